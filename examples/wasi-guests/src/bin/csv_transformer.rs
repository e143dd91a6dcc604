//! The spec's CSV pipeline: reads `/input/$INPUT_FILE`, appends a `total`
//! column (the sum of the numeric fields of each row) and writes
//! `/output/$OUTPUT_FILE`.
use std::process::ExitCode;

fn main() -> ExitCode {
    let (Ok(input), Ok(output)) = (std::env::var("INPUT_FILE"), std::env::var("OUTPUT_FILE")) else {
        eprintln!("INPUT_FILE and OUTPUT_FILE must be set");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(format!("/input/{input}")) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read /input/{input}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = String::new();
    let mut rows = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if i == 0 {
            out.push_str(line);
            out.push_str(",total\n");
            continue;
        }
        let total: f64 = line.split(',').filter_map(|f| f.trim().parse::<f64>().ok()).sum();
        out.push_str(&format!("{line},{total}\n"));
        rows += 1;
    }
    if let Err(e) = std::fs::write(format!("/output/{output}"), out) {
        eprintln!("cannot write /output/{output}: {e}");
        return ExitCode::from(1);
    }
    println!("transformed {rows} rows");
    ExitCode::SUCCESS
}
