//! Every supported form compiles.
use echelon_guest::{export, Json};

#[export]
pub fn numbers(a: i8, b: u16, c: u32, d: i64, e: u64, f: f32, g: f64, h: bool, i: usize) -> f64 {
    f64::from(a) + f64::from(b) + f64::from(c) + d as f64 + e as f64 + f64::from(f) + g + f64::from(u8::from(h)) + i as f64
}

#[export]
pub fn texts(a: &str, b: String, c: &[u8], d: Vec<u8>) -> Result<String, std::fmt::Error> {
    Ok(format!("{a}{b}{}{}", c.len(), d.len()))
}

#[export]
pub fn options(a: Option<&str>, b: Option<Vec<u8>>, c: Option<Json<Vec<u32>>>) -> Option<[u8; 4]> {
    a.zip(b).zip(c).map(|_| [1, 2, 3, 4])
}

#[export]
pub fn unit() -> Result<(), String> {
    Ok(())
}

fn main() {
    assert_eq!(unit(), Ok(()));
    assert_eq!(echelon_guest::exports().len(), 4);
}
