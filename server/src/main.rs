//! The `onus` binary: `onus lsp` (the language server) and `onus check` (the CLI for CI), plus the rule
//! catalog (`onus rules`, `onus explain`).

mod check;
mod docs;
mod lsp;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use onus_analysis::catalog;

/// onus: the AWS Shared Responsibility Model, checked as you type Terraform and CloudFormation.
#[derive(Parser)]
#[command(name = "onus", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdin/stdout.
    Lsp {
        /// The server always speaks over stdin and stdout; accepted because many clients pass it.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Check files or directories (recursively) and print the findings.
    Check(Box<check::Options>),
    /// Write the responsibility split of what `check` finds as one self-contained HTML page.
    Report {
        /// The page to write.
        #[arg(long, value_name = "OUT.html")]
        html: std::path::PathBuf,
        #[command(flatten)]
        options: Box<check::Options>,
    },
    /// List the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: CatalogFormat,
    },
    /// Print the folder holding the rule pages the editor links to (written to the cache on first use), or
    /// write them into a folder of your choice (to publish them; then point `docsBaseUrl` at them).
    Docs {
        /// Write the pages here instead of the cache.
        #[arg(long, value_name = "DIR")]
        out: Option<std::path::PathBuf>,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule id, as in `onus rules`.
        rule: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogFormat {
    Text,
    Json,
}

/// Today's date from the system clock: the analysis never reads the clock itself.
pub fn today() -> onus_analysis::date::Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    onus_analysis::date::Date::from_unix_seconds(secs)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; everything else clap rejects is a usage error.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Lsp { stdio: _ } => lsp::run(),
        Command::Check(options) => check::run(&options),
        Command::Report { html, options } => check::report(&options, &html),
        Command::Rules { format } => print_rules(format),
        Command::Docs { out } => write_docs(out.as_deref()),
        Command::Explain { rule } => explain(&rule),
    };
    ExitCode::from(code as u8)
}

/// `onus docs [--out DIR]`: the folder of rule pages, on stdout.
fn write_docs(out: Option<&std::path::Path>) -> i32 {
    let written = match out {
        Some(dir) => docs::write_pages(dir, &catalog::pages()).map(|()| dir.to_path_buf()),
        None => docs::rule_pages(),
    };
    match written {
        Ok(dir) => print_out(|out| writeln!(out, "{}", dir.display())),
        Err(e) => {
            eprintln!("onus: cannot write the rule pages: {e}");
            2
        }
    }
}

/// `onus explain ID`: an onus rule, or the rules that claim a peer's check; a near id when nothing matches.
fn explain(name: &str) -> i32 {
    let rules = catalog::rules();
    let found = rules.by_id(name).map(|r| vec![r]).unwrap_or_else(|| rules.by_peer_id(name));
    if found.is_empty() {
        let near = rules.near(name);
        let hint = if near.is_empty() { String::new() } else { format!("; did you mean `{}`?", near.join("`, `")) };
        eprintln!("onus: no rule `{name}`{hint} (see `onus rules`)");
        return 2;
    }
    if found[0].id != name {
        let ids: Vec<&str> = found.iter().map(|r| r.id).collect();
        eprintln!("onus: `{name}` is checked by {}", ids.join(", "));
    }
    print_out(|out| found.iter().try_for_each(|r| writeln!(out, "{}", r.markdown())))
}

fn print_rules(format: CatalogFormat) -> i32 {
    print_out(|out| match format {
        CatalogFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&check::rules_json()).expect("serialisable"))
        }
        CatalogFormat::Text => {
            // Columns as wide as their longest entry, under a header.
            let rules = catalog::all();
            let id = rules.iter().map(|r| r.id.len()).max().unwrap_or(0).max("RULE".len());
            let row = rules.iter().map(|r| r.row.slug().len()).max().unwrap_or(0).max("DUTY".len());
            writeln!(out, "{:<id$}  {:<8}  {:<row$}  TITLE", "RULE", "SEVERITY", "DUTY")?;
            for r in rules {
                writeln!(out, "{:<id$}  {:<8}  {:<row$}  {}", r.id, r.severity.name(), r.row.slug(), r.title)?;
            }
            Ok(())
        }
    })
}

/// Writes to stdout with `write`; a reader that stops reading (`onus rules | head -1`) ends it quietly.
fn print_out(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> i32 {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| std::io::Write::flush(&mut out)) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("onus: cannot write: {e}");
            2
        }
    }
}
