//! Tries one file operation and prints `ok ...` or `err <message>`:
//! `probe read PATH`, `probe write PATH TEXT`, `probe list DIR`.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["read", path] => std::fs::read_to_string(path).map(|t| format!("ok {t}")),
        ["write", path, text] => std::fs::write(path, text).map(|()| "ok written".to_string()),
        ["list", dir] => std::fs::read_dir(dir).map(|d| {
            let mut names: Vec<String> = d
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            format!("ok {}", names.join(","))
        }),
        other => {
            println!("err usage: {other:?}");
            return;
        }
    };
    match result {
        Ok(s) => println!("{s}"),
        Err(e) => println!("err {e}"),
    }
}
