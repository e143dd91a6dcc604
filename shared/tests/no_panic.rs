//! Property tests: every shared function answers arbitrary input with a
//! value or an error, never a panic.

use echelon_shared::{abi, compute, crypto, image, validation};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn validate_user_total(bytes in proptest::collection::vec(any::<u8>(), 0..200), s in ".{0,120}") {
        let out = validation::validate_user_bytes(&bytes);
        prop_assert!(out == "valid" || out.starts_with('['));
        let out = validation::validate_user(&s);
        prop_assert!(out == "valid" || serde_json::from_str::<Vec<String>>(&out).is_ok());
    }

    #[test]
    fn validate_user_structured(email in "[a-z@.\\-+]{0,30}", age in any::<i64>()) {
        let json = serde_json::json!({"email": email, "age": age}).to_string();
        let out = validation::validate_user(&json);
        let expect_valid = validation::is_valid_email(&email) && age >= 18;
        prop_assert_eq!(out == "valid", expect_valid);
    }

    #[test]
    fn image_functions_total(
        px in proptest::collection::vec(any::<u8>(), 0..300),
        w in 0u32..20, h in 0u32..20, nw in 0u32..20, nh in 0u32..20, q in any::<u8>(),
    ) {
        let ok_len = px.len() as u64 == u64::from(w) * u64::from(h) * 4 && w > 0 && h > 0;
        let g = image::apply_grayscale(&px, w, h);
        prop_assert_eq!(g.is_ok(), ok_len);
        let _ = image::resize_image(&px, w, h, nw, nh);
        let _ = image::process_image(&px, w, h, nw, nh, q);
        let _ = image::fit_within(w, h, nw, nh);
    }

    #[test]
    fn huge_dimensions_are_refused(w in any::<u32>(), h in any::<u32>()) {
        let _ = image::resize_image(&[0; 16], 2, 2, w, h);
        let _ = image::apply_grayscale(&[], w, h);
        let _ = compute::render_viewport(w % 64, h % 64, 10, compute::Viewport::default());
    }

    #[test]
    fn decoders_total(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = image::image_dimensions(&bytes);
        let _ = image::decode_image(&bytes);
        let _ = image::process_upload(&bytes, 10, 10);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&bytes);
        let _ = image::decode_image(&png);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF];
        jpeg.extend_from_slice(&bytes);
        let _ = image::decode_image(&jpeg);
    }

    #[test]
    fn crypto_total(key in proptest::collection::vec(any::<u8>(), 0..40), block in proptest::collection::vec(any::<u8>(), 0..40)) {
        let enc = crypto::encrypt_block(&key, &block);
        prop_assert_eq!(enc.is_ok(), key.len() == 32 && block.len() == 16);
        if let Ok(ct) = enc {
            prop_assert_eq!(crypto::decrypt_block(&key, &ct).unwrap(), block.clone());
        }
        let _ = crypto::decrypt_block(&key, &block);
        let _ = crypto::sha256(&block);
    }

    #[test]
    fn compute_total(n in any::<u32>(), p in any::<u64>(), seed in any::<u64>(), it in 0u32..2000) {
        prop_assert_eq!(compute::fibonacci(n).is_ok(), n <= compute::FIBONACCI_MAX);
        prop_assert_eq!(compute::factorial(n).is_ok(), n <= compute::FACTORIAL_MAX);
        let _ = compute::is_prime(p);
        prop_assert_eq!(compute::monte_carlo_pi(it, seed).is_ok(), it > 0);
    }

    #[test]
    fn mandelbrot_total(w in 0u32..40, h in 0u32..40, it in 0u32..300, cx in any::<f64>(), cy in any::<f64>(), vw in any::<f64>()) {
        let _ = compute::render_viewport(w, h, it, compute::Viewport { center_x: cx, center_y: cy, width: vw });
    }

    #[test]
    fn abi_parser_total(text in ".{0,200}") {
        let _ = abi::parse_section(&text);
    }
}
