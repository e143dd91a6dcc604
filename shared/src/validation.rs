//! User validation: the spec's use case 6, shared by server and browser.
//!
//! [`validate_user`] keeps the spec's contract exactly: it returns the string
//! `"valid"`, or a JSON array of messages such as
//! `["Invalid email format","Must be 18 or older"]`, or `["Invalid JSON"]`
//! when the input is not a JSON object with a string `email` and an integer
//! `age`.

use serde::Deserialize;

/// Message for an email address that [`is_valid_email`] rejects.
pub const INVALID_EMAIL: &str = "Invalid email format";
/// Message for an age under 18.
pub const TOO_YOUNG: &str = "Must be 18 or older";
/// Message for input that is not a user object.
pub const INVALID_JSON: &str = "Invalid JSON";

/// The user record of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct User {
    /// Email address, checked by [`is_valid_email`].
    pub email: String,
    /// Age in whole years. Signed so that a negative age is reported as
    /// "Must be 18 or older" rather than as malformed JSON.
    pub age: i64,
}

/// Validates a user given as JSON; see the [module documentation](self).
///
/// ```
/// use echelon_shared::validation::validate_user;
/// assert_eq!(validate_user(r#"{"email":"ada@example.com","age":36}"#), "valid");
/// assert_eq!(validate_user(r#"{"email":"ada","age":12}"#),
///            r#"["Invalid email format","Must be 18 or older"]"#);
/// assert_eq!(validate_user("{"), r#"["Invalid JSON"]"#);
/// ```
#[echelon_guest::export]
pub fn validate_user(json: &str) -> String {
    validate_user_bytes(json.as_bytes())
}

/// [`validate_user`] on raw bytes: input that is not UTF-8 is
/// `["Invalid JSON"]`, like any other malformed input.
pub fn validate_user_bytes(json: &[u8]) -> String {
    let errors = match serde_json::from_slice::<User>(json) {
        Ok(user) => user_errors(&user),
        Err(_) => vec![INVALID_JSON],
    };
    if errors.is_empty() {
        "valid".to_string()
    } else {
        // Serializing a Vec<&str> cannot fail; build the array by hand anyway
        // so that no unwrap is needed.
        let quoted: Vec<String> = errors.iter().map(|e| format!("\"{e}\"")).collect();
        format!("[{}]", quoted.join(","))
    }
}

/// The messages for a parsed user, in the spec's order (email, then age).
pub fn user_errors(user: &User) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if !is_valid_email(&user.email) {
        errors.push(INVALID_EMAIL);
    }
    if user.age < 18 {
        errors.push(TOO_YOUNG);
    }
    errors
}

/// Whether `email` is an address a mail system would accept.
///
/// The rules are those of RFC 5321/5322 for the common dot-atom form, which
/// is what sign-up forms accept in practice: one `@`; a local part of 1-64
/// characters from the RFC's `atext` set with dots only between characters;
/// a domain of at most 253 characters made of dot-separated labels of 1-63
/// letters, digits and inner hyphens, with an alphabetic top-level label of at
/// least two letters. Quoted local parts and IP-literal domains are refused.
///
/// ```
/// use echelon_shared::validation::is_valid_email;
/// assert!(is_valid_email("first.last+tag@mail.example.org"));
/// assert!(!is_valid_email("a@b"));
/// assert!(!is_valid_email("a..b@example.com"));
/// ```
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    valid_local_part(local) && valid_domain(domain)
}

fn valid_local_part(local: &str) -> bool {
    const ATEXT_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ATEXT_SPECIALS.contains(c))
        })
}

fn valid_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let tld = labels[labels.len() - 1];
    labels.iter().all(label_ok) && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(validate_user(r#"{"email":"user@example.com","age":25}"#), "valid");
        assert_eq!(
            validate_user(r#"{"email":"userexample.com","age":25}"#),
            r#"["Invalid email format"]"#
        );
        assert_eq!(
            validate_user(r#"{"email":"user@example.com","age":17}"#),
            r#"["Must be 18 or older"]"#
        );
        assert_eq!(
            validate_user(r#"{"email":"x","age":1}"#),
            r#"["Invalid email format","Must be 18 or older"]"#
        );
        assert_eq!(validate_user("not json"), r#"["Invalid JSON"]"#);
        assert_eq!(
            validate_user(r#"{"email":"user@example.com"}"#),
            r#"["Invalid JSON"]"#
        );
        assert_eq!(
            validate_user(r#"{"email":"user@example.com","age":"25"}"#),
            r#"["Invalid JSON"]"#
        );
        assert_eq!(validate_user(r#"[1,2]"#), r#"["Invalid JSON"]"#);
    }

    #[test]
    fn boundary_age() {
        assert_eq!(validate_user(r#"{"email":"a@example.com","age":18}"#), "valid");
        assert_eq!(
            validate_user(r#"{"email":"a@example.com","age":-3}"#),
            r#"["Must be 18 or older"]"#
        );
    }

    #[test]
    fn output_is_json_array_when_not_valid() {
        let out = validate_user(r#"{"email":"","age":0}"#);
        let parsed: Vec<String> = serde_json::from_str(&out).expect("output is a JSON array of strings");
        assert_eq!(parsed, vec![INVALID_EMAIL, TOO_YOUNG]);
    }

    #[test]
    fn emails() {
        for ok in [
            "a@example.com",
            "first.last@sub.example.co.uk",
            "user+tag@example.io",
            "o'brien@example.ie",
            "x_y-z@ex-ample.com",
            "123@456.example.net",
        ] {
            assert!(is_valid_email(ok), "{ok} should be accepted");
        }
        for bad in [
            "",
            "@example.com",
            "user@",
            "user",
            "user@example",
            "user@@example.com",
            "us er@example.com",
            ".user@example.com",
            "user.@example.com",
            "us..er@example.com",
            "user@-example.com",
            "user@example-.com",
            "user@exa_mple.com",
            "user@example.c",
            "user@example.123",
            "user@.example.com",
            "user@example..com",
            "a@b@example.com",
            "\"quoted\"@example.com",
            "user@[127.0.0.1]",
        ] {
            assert!(!is_valid_email(bad), "{bad} should be refused");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(!is_valid_email(&long_local));
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert!(!is_valid_email(&long_label));
    }
}
