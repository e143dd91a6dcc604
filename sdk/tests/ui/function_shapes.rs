use echelon_guest::export;

#[export]
pub async fn later() -> u32 {
    1
}

#[export]
pub fn generic<T: Into<u32>>(x: T) -> u32 {
    x.into()
}

#[export]
pub fn destructured((a, b): (u32, u32)) -> u32 {
    a + b
}

#[export]
pub extern "C" fn already_extern(x: u32) -> u32 {
    x
}

#[export]
pub fn echelon_alloc(len: i32) -> i32 {
    len
}

pub struct Counter;

impl Counter {
    #[export]
    pub fn get(&self) -> u32 {
        0
    }
}

fn main() {}
