use echelon_guest::export;

#[export]
pub fn tuple(pair: (u32, u32)) -> u32 {
    pair.0
}

#[export]
pub fn mutable(buf: &mut [u8]) {
    buf[0] = 1;
}

#[export]
pub fn character(c: char) -> bool {
    c.is_alphabetic()
}

#[export]
pub fn list() -> Vec<u32> {
    vec![]
}

#[export]
pub fn nested(x: Option<Option<u32>>) -> u32 {
    x.flatten().unwrap_or(0)
}

#[export]
pub fn result_param(r: Result<u32, String>) -> u32 {
    r.unwrap_or(0)
}

#[export]
pub fn opaque() -> impl std::fmt::Display {
    1
}

fn main() {}
