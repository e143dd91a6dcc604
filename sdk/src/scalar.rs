//! How numbers and `bool` cross the guest ABI: each Rust type maps onto one
//! core WebAssembly value (`i32`, `i64`, `f32`, `f64`).
//!
//! The unsigned types are the same bits as their signed core type (as in
//! wasm-bindgen and the server runtime's `Value::from(u32)`), so `u32`
//! covers its whole range; the narrow types (`i8`, `u8`, `i16`, `u16`) are
//! range-checked and refuse out-of-range values; `bool` is any non-zero
//! `i32`.

/// A type that crosses as one core value.
pub trait Scalar: Sized {
    /// The core WebAssembly type (`i32`, `i64`, `f32` or `f64`).
    type Core: Copy + core::fmt::Display;
    /// The Rust value of a core argument, or why it does not fit.
    fn from_core(core: Self::Core) -> Result<Self, String>;
    /// The core result of a Rust value.
    fn into_core(self) -> Self::Core;
}

macro_rules! same {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            type Core = $t;
            fn from_core(core: $t) -> Result<Self, String> { Ok(core) }
            fn into_core(self) -> $t { self }
        }
    )*};
}
same!(i32, i64, f32, f64);

macro_rules! narrow {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            type Core = i32;
            fn from_core(core: i32) -> Result<Self, String> {
                <$t>::try_from(core).map_err(|_| {
                    format!("{core} does not fit in {} ({}..={})", stringify!($t), <$t>::MIN, <$t>::MAX)
                })
            }
            fn into_core(self) -> i32 { i32::from(self) }
        }
    )*};
}
narrow!(i8, u8, i16, u16);

impl Scalar for u32 {
    type Core = i32;
    fn from_core(core: i32) -> Result<Self, String> {
        Ok(core as u32)
    }
    fn into_core(self) -> i32 {
        self as i32
    }
}

impl Scalar for u64 {
    type Core = i64;
    fn from_core(core: i64) -> Result<Self, String> {
        Ok(core as u64)
    }
    fn into_core(self) -> i64 {
        self as i64
    }
}

// `usize`/`isize` are 32 bits on wasm32, where the ABI lives; natively
// (tests, the registry's dynamic calls) a value that does not fit 32 bits
// is refused rather than truncated.
impl Scalar for usize {
    type Core = i32;
    fn from_core(core: i32) -> Result<Self, String> {
        usize::try_from(core as u32).map_err(|_| format!("{core} does not fit in usize"))
    }
    fn into_core(self) -> i32 {
        self as u32 as i32
    }
}

impl Scalar for isize {
    type Core = i32;
    fn from_core(core: i32) -> Result<Self, String> {
        isize::try_from(core).map_err(|_| format!("{core} does not fit in isize"))
    }
    fn into_core(self) -> i32 {
        self as i32
    }
}

impl Scalar for bool {
    type Core = i32;
    fn from_core(core: i32) -> Result<Self, String> {
        Ok(core != 0)
    }
    fn into_core(self) -> i32 {
        i32::from(self)
    }
}

/// The message of a refused argument, in the same words as
/// `echelon_shared::Error::InvalidArgument`.
pub(crate) fn invalid(name: &str, reason: impl core::fmt::Display) -> String {
    format!("invalid argument `{name}`: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_types_are_the_same_bits() {
        assert_eq!(u32::from_core(-1), Ok(u32::MAX));
        assert_eq!(u32::MAX.into_core(), -1);
        assert_eq!(u64::from_core(-2), Ok(u64::MAX - 1));
        assert_eq!(usize::from_core(-1), Ok(u32::MAX as usize));
    }

    #[test]
    fn narrow_types_refuse_out_of_range() {
        assert_eq!(u8::from_core(255), Ok(255));
        assert_eq!(
            u8::from_core(256).unwrap_err(),
            "256 does not fit in u8 (0..=255)"
        );
        assert_eq!(
            i8::from_core(-129).unwrap_err(),
            "-129 does not fit in i8 (-128..=127)"
        );
        assert_eq!(i16::from_core(-5), Ok(-5));
        assert_eq!(
            u16::from_core(-1).unwrap_err(),
            "-1 does not fit in u16 (0..=65535)"
        );
    }

    #[test]
    fn bool_is_any_non_zero() {
        assert_eq!(bool::from_core(7), Ok(true));
        assert_eq!(bool::from_core(0), Ok(false));
        assert_eq!(true.into_core(), 1);
    }
}
