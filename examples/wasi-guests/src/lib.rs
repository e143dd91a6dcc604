//! WASI preview1 guest programs, one binary each, built for
//! `wasm32-wasip1` by the tests (see `echelon_tests::wasi_guest`):
//!
//! - `file_processor`: the spec's example (writes `/data/output.txt`,
//!   reads `/data/input.txt`);
//! - `csv_transformer`: the spec's pipeline (`INPUT_FILE`/`OUTPUT_FILE`
//!   from the environment, `/input` and `/output` preopens);
//! - `env_clock_random`: reports the environment, the clock and
//!   randomness, or the WASI error code it got instead;
//! - `print_args`: prints its arguments;
//! - `probe`: tries one file operation and reports the outcome (the
//!   attacker in the sandbox tests);
//! - `exit_with`: exits with the code it is given.

/// Raw WASI calls whose errors the programs report instead of panicking
/// (Rust's std panics when the clock or randomness is refused).
#[cfg(target_os = "wasi")]
pub mod raw {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn clock_time_get(id: u32, precision: u64, out: *mut u64) -> u16;
        fn random_get(buf: *mut u8, len: usize) -> u16;
    }

    /// Realtime clock in nanoseconds, or the errno.
    pub fn now_ns() -> Result<u64, u16> {
        let mut t = 0u64;
        // SAFETY: `t` is a valid, writable u64 for the call's duration.
        match unsafe { clock_time_get(0, 1, &mut t) } {
            0 => Ok(t),
            e => Err(e),
        }
    }

    /// `len` random bytes, or the errno.
    pub fn random(len: usize) -> Result<Vec<u8>, u16> {
        let mut buf = vec![0u8; len];
        // SAFETY: `buf` has `len` writable bytes for the call's duration.
        match unsafe { random_get(buf.as_mut_ptr(), len) } {
            0 => Ok(buf),
            e => Err(e),
        }
    }
}
