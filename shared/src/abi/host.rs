//! The host side of the guest ABI: the checks every host applies to what a
//! guest hands it, shared by the server runtime (wasmtime) and the
//! browser's `BrowserRuntime` (the JS WebAssembly API), so both refuse the
//! same inputs with the same words.
//!
//! A host never trusts a guest's numbers: an allocation that failed or
//! points outside memory, or a packed `(ptr, len)` result beyond the
//! memory's end, is refused *before* the host allocates anything of that
//! size (a hostile `len` must not make the host reserve 4 GiB). How the
//! guest is called (synchronously in a page, possibly asynchronously on
//! the server) stays with each host; the rules live here.
//!
//! ```
//! use echelon_shared::abi::{host, pack};
//! // A 16-byte result at 1024 in a 64 KiB memory is readable...
//! assert_eq!(host::result_range(pack(1024, 16), 65536), Ok(Some((1024, 16))));
//! // ...one that runs past the end is refused before anything is read.
//! assert!(host::result_range(pack(65530, 16), 65536).is_err());
//! ```

use super::{unpack, AbiType};

/// What a host refuses of a guest's side of the ABI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostAbiError {
    /// An argument does not fit the ABI's `i32` length.
    #[error("an argument of {len} bytes is larger than the guest ABI's 2 GiB; pass less data")]
    TooLarge {
        /// The argument's length.
        len: usize,
    },
    /// `echelon_alloc` returned 0 for a non-empty request.
    #[error("the guest could not allocate {len} bytes (echelon_alloc returned 0); the module may need a larger memory limit")]
    AllocFailed {
        /// Bytes asked for.
        len: u32,
    },
    /// A guest range runs past the end of its memory.
    #[error("{what} at bytes {start}..{end} is outside the guest's memory ({size} bytes)")]
    OutOfBounds {
        /// What the range holds (`echelon_alloc's result`, `a packed result`, ...).
        what: &'static str,
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
        /// The memory's size in bytes.
        size: u64,
    },
    /// A `string` or `json` result that is not UTF-8.
    #[error("the module returned a {ty} result that is not UTF-8")]
    NotUtf8 {
        /// `string` or `json`.
        ty: &'static str,
    },
}

/// The `i32` length of an argument of `len` bytes.
pub fn argument_len(len: usize) -> Result<u32, HostAbiError> {
    u32::try_from(len)
        .ok()
        .filter(|&l| l <= i32::MAX as u32)
        .ok_or(HostAbiError::TooLarge { len })
}

/// Checks that `range` (`start`, `len`) lies inside a memory of
/// `memory_size` bytes.
pub fn check_range(what: &'static str, start: u32, len: u32, memory_size: u64) -> Result<(), HostAbiError> {
    let end = u64::from(start) + u64::from(len);
    if end > memory_size {
        return Err(HostAbiError::OutOfBounds {
            what,
            start: u64::from(start),
            end,
            size: memory_size,
        });
    }
    Ok(())
}

/// Checks what `echelon_alloc(len)` returned before the host writes there:
/// 0 for a non-empty request is a failed allocation, and the block must lie
/// inside the memory (as it is after the allocation, which may have grown
/// it).
pub fn check_allocation(ptr: u32, len: u32, memory_size: u64) -> Result<(), HostAbiError> {
    if len > 0 && ptr == 0 {
        return Err(HostAbiError::AllocFailed { len });
    }
    check_range("echelon_alloc's block", ptr, len, memory_size)
}

/// The `(ptr, len)` of a packed result, checked against a memory of
/// `memory_size` bytes; `None` for an empty result (nothing to read or
/// free).
pub fn result_range(packed: i64, memory_size: u64) -> Result<Option<(u32, u32)>, HostAbiError> {
    let (ptr, len) = unpack(packed);
    if len == 0 {
        return Ok(None);
    }
    check_range("a packed result", ptr, len, memory_size)?;
    Ok(Some((ptr, len)))
}

/// The text of a `string` or `json` result's bytes.
pub fn result_text(ty: AbiType, bytes: Vec<u8>) -> Result<String, HostAbiError> {
    String::from_utf8(bytes).map_err(|_| HostAbiError::NotUtf8 {
        ty: if ty == AbiType::Json { "json" } else { "string" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::pack;

    #[test]
    fn ranges_are_checked_before_anything_is_read() {
        assert_eq!(result_range(0, 0), Ok(None));
        assert_eq!(result_range(pack(7, 0), 0), Ok(None));
        assert_eq!(result_range(pack(0, 65536), 65536), Ok(Some((0, 65536))));
        let e = result_range(pack(u32::MAX, u32::MAX), 65536).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a packed result at bytes 4294967295..8589934590 is outside the guest's memory (65536 bytes)"
        );
    }

    #[test]
    fn allocations_are_checked() {
        assert_eq!(check_allocation(0, 0, 0), Ok(()));
        assert_eq!(
            check_allocation(0, 5, 65536),
            Err(HostAbiError::AllocFailed { len: 5 })
        );
        assert!(check_allocation(65534, 5, 65536).is_err());
        assert_eq!(check_allocation(8, 5, 65536), Ok(()));
    }

    #[test]
    fn lengths_and_text() {
        assert_eq!(argument_len(3), Ok(3));
        assert!(argument_len(i32::MAX as usize + 1).is_err());
        assert_eq!(result_text(AbiType::String, b"hi".to_vec()), Ok("hi".into()));
        assert_eq!(
            result_text(AbiType::Json, vec![0xff]),
            Err(HostAbiError::NotUtf8 { ty: "json" })
        );
    }
}
