//! The crate's one error type.

/// Why a shared function refused its input.
///
/// Every variant names the offending argument and what a caller can do about
/// it. The type is `Clone` and compares by value so that the same error can
/// cross the guest ABI (as its message) and be compared in parity tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An argument is outside the range the function accepts.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The parameter's name as in the function signature.
        name: &'static str,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// A pixel buffer's length does not match `width * height * 4`.
    #[error("pixel buffer has {actual} bytes but a {width}x{height} RGBA image needs {expected}; pass width and height that match the buffer")]
    BufferSize {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// `width * height * 4`.
        expected: u64,
        /// The buffer's actual length.
        actual: usize,
    },
    /// A result would not fit its numeric type.
    #[error("{what} overflows {ty}; the largest accepted input is {max_input}")]
    Overflow {
        /// What was being computed, e.g. `fibonacci(94)`.
        what: String,
        /// The result type, e.g. `u64`.
        ty: &'static str,
        /// The largest input whose result fits.
        max_input: u64,
    },
    /// Encoded image bytes could not be decoded.
    #[error("cannot decode image: {0}")]
    Decode(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }
}
