//! Conversions of owned arguments that arrive as bytes in the guest ABI
//! (`String`, `Vec<u8>`, `Json<T>`, `Option<T>`). Used by the guest glue
//! and, on the same bytes, by the native registry's dynamic calls, so both
//! accept and refuse exactly the same input.

use serde::de::DeserializeOwned;

use crate::Json;

/// An owned argument read from its ABI bytes.
pub trait FromAbiBytes: Sized {
    /// Converts, or says why not (without the argument's name).
    fn from_abi_bytes(bytes: &[u8]) -> Result<Self, String>;
}

impl FromAbiBytes for String {
    fn from_abi_bytes(bytes: &[u8]) -> Result<Self, String> {
        String::from_utf8(bytes.to_vec()).map_err(|e| format!("not UTF-8 ({})", e.utf8_error()))
    }
}

impl FromAbiBytes for Vec<u8> {
    fn from_abi_bytes(bytes: &[u8]) -> Result<Self, String> {
        Ok(bytes.to_vec())
    }
}

impl<T: DeserializeOwned> FromAbiBytes for Json<T> {
    fn from_abi_bytes(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes)
            .map(Json)
            .map_err(|e| format!("not the expected JSON: {e}"))
    }
}

impl<T: DeserializeOwned> FromAbiBytes for Option<T> {
    fn from_abi_bytes(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("not the expected JSON (null or a value): {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_arguments() {
        assert_eq!(String::from_abi_bytes(b"hi").unwrap(), "hi");
        assert!(String::from_abi_bytes(&[0xff])
            .unwrap_err()
            .starts_with("not UTF-8"));
        assert_eq!(Json::<Vec<u32>>::from_abi_bytes(b"[1,2]").unwrap().0, vec![1, 2]);
        assert!(Json::<u8>::from_abi_bytes(b"300").is_err());
        assert_eq!(Option::<String>::from_abi_bytes(b"null").unwrap(), None);
        assert_eq!(
            Option::<String>::from_abi_bytes(b"\"x\"").unwrap().as_deref(),
            Some("x")
        );
        assert!(Option::<String>::from_abi_bytes(b"").is_err());
    }
}
