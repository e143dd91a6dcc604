use echelon_guest::export;

#[export(name = "other")]
pub fn renamed() -> u32 {
    1
}

#[export]
pub struct NotAFunction;

fn main() {}
