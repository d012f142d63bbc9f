//! Writes the benchmarks' generated Terraform (`bench/generate.rs`) of about N lines to stdout, for timing the
//! CLI on big files:   cargo run --release -p onus-analysis --example generate_tf -- 330000 > big/main.tf

#[path = "../../bench/generate.rs"]
#[allow(dead_code)] // this example writes the dense kind only
mod generate;

fn main() {
    let lines = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5_000);
    print!("{}", generate::generate(lines));
}
