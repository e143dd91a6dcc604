//! AES-256 single-block encryption (the spec's use case 4) and SHA-256, on
//! RustCrypto's `aes` and `sha2`.
//!
//! `encrypt_block`/`decrypt_block` are the raw block cipher, exactly as the
//! spec shows: one 16-byte block, no mode, no padding, no authentication.
//! They are building blocks, not a way to encrypt messages; use an AEAD mode
//! for that.

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// AES-256 key length in bytes.
pub const KEY_LEN: usize = 32;
/// AES block length in bytes.
pub const BLOCK_LEN: usize = 16;

/// Encrypts one 16-byte block with a 32-byte key.
///
/// ```
/// use echelon_shared::crypto::{encrypt_block, decrypt_block};
/// let key = [7u8; 32];
/// let ct = encrypt_block(&key, b"sixteen byte msg").unwrap();
/// assert_eq!(decrypt_block(&key, &ct).unwrap(), b"sixteen byte msg");
/// assert!(encrypt_block(&key[..16], b"sixteen byte msg").is_err());
/// ```
#[echelon_guest::export]
pub fn encrypt_block(key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let (cipher, mut block) = prepare(key, plaintext, "plaintext")?;
    cipher.encrypt_block(&mut block);
    Ok(block.to_vec())
}

/// Decrypts one 16-byte block with a 32-byte key.
#[echelon_guest::export]
pub fn decrypt_block(key: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
    let (cipher, mut block) = prepare(key, ciphertext, "ciphertext")?;
    cipher.decrypt_block(&mut block);
    Ok(block.to_vec())
}

/// SHA-256 digest of `data`.
///
/// ```
/// let d = echelon_shared::crypto::sha256(b"abc");
/// assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
/// ```
#[echelon_guest::export]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn prepare(
    key: &[u8],
    block: &[u8],
    name: &'static str,
) -> Result<(Aes256, GenericArray<u8, aes::cipher::consts::U16>)> {
    if key.len() != KEY_LEN {
        return Err(Error::invalid(
            "key",
            format!("AES-256 needs a {KEY_LEN}-byte key, got {} bytes", key.len()),
        ));
    }
    if block.len() != BLOCK_LEN {
        return Err(Error::invalid(
            name,
            format!("one AES block is {BLOCK_LEN} bytes, got {}", block.len()),
        ));
    }
    let cipher = Aes256::new_from_slice(key).map_err(|_| Error::invalid("key", "rejected by AES-256"))?;
    Ok((cipher, GenericArray::clone_from_slice(block)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn fips_197_vector() {
        // FIPS-197 appendix C.3 (AES-256).
        let key = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        let pt = unhex("00112233445566778899aabbccddeeff");
        let ct = encrypt_block(&key, &pt).unwrap();
        assert_eq!(ct, unhex("8ea2b7ca516745bfeafc49904b496089"));
        assert_eq!(decrypt_block(&key, &ct).unwrap(), pt);
    }

    #[test]
    fn wrong_lengths() {
        assert!(matches!(
            encrypt_block(&[0; 31], &[0; 16]),
            Err(Error::InvalidArgument { name: "key", .. })
        ));
        assert!(matches!(
            encrypt_block(&[0; 32], &[0; 15]),
            Err(Error::InvalidArgument {
                name: "plaintext",
                ..
            })
        ));
        assert!(matches!(
            decrypt_block(&[0; 32], &[0; 17]),
            Err(Error::InvalidArgument {
                name: "ciphertext",
                ..
            })
        ));
    }

    #[test]
    fn sha256_vectors() {
        assert_eq!(
            sha256(b"").to_vec(),
            unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            sha256(b"abc").to_vec(),
            unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
    }
}
