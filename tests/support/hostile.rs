//! Hostile Terraform texts, shared by `tests/hostile.rs` (no crash, no hang) and `server/benches/hostile_files.rs`
//! (the time each takes).

/// A public bucket: a finding in a few lines.
pub const BUCKET: &str = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";

/// Hostile Terraform texts, by name.
pub fn hostile_texts() -> Vec<(&'static str, String)> {
    let deep_list = format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(10_000), "]".repeat(10_000));
    let deep_blocks = format!("{}{}", "a {\n".repeat(10_000), "}\n".repeat(10_000));
    let deep_expr = format!("locals {{\n  x = {}1{}\n}}\n", "(".repeat(10_000), ")".repeat(10_000));
    let long_line = format!(
        "resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{}\"\n  acl = \"public-read\"\n}}\n",
        "x".repeat(1 << 20)
    );
    let nul = format!("{BUCKET}\0\0resource \0 \"x\" {{\0}}\n{BUCKET}");
    vec![
        ("deep-list", deep_list),
        ("deep-blocks", deep_blocks),
        ("deep-parens", deep_expr),
        ("long-line", long_line),
        ("nul", nul),
    ]
}

/// About 10 MB of real-looking Terraform: many resources, each with findings.
pub fn ten_megabytes() -> String {
    let one = "resource \"aws_s3_bucket\" \"b_#\" {\n  bucket = \"bucket-#\"\n  acl    = \"public-read\"\n  tags = {\n    Name = \"a tag to make the file larger, as real files are\"\n  }\n}\n\n";
    let n = 10 * 1024 * 1024 / one.len() + 1;
    let mut out = String::with_capacity(n * (one.len() + 8));
    for i in 0..n {
        out.push_str(&one.replace('#', &i.to_string()));
    }
    out
}

/// The same with a syntax error in every resource (`0ame = ...` in the tags).
pub fn ten_broken_megabytes() -> String {
    ten_megabytes().replace("Name =", "0ame =")
}
