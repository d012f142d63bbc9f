//! The `onus` binary: `onus lsp` (the language server) and `onus check` (the CLI for CI), plus the rule
//! catalog (`onus rules`, `onus explain`).

mod check;
mod lsp;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use onus_analysis::{catalog, Severity};

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
    Check {
        /// Files or directories; the current directory if none; `-` for a text on stdin.
        paths: Vec<PathBuf>,
        /// Write every safe fix (the secure value of a setting) into the files, then report what is left.
        #[arg(long)]
        fix: bool,
        /// Print every safe fix as a unified diff instead of writing it (exit 1 when there is one).
        #[arg(long)]
        diff: bool,
        /// With `-`: the path the text on stdin stands for (its module's other files are read from disk).
        #[arg(long, value_name = "PATH")]
        stdin_filename: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: check::Format,
        /// Exit with 1 when a finding is at least this severe.
        #[arg(long, value_enum, default_value = "low")]
        fail_on: FailOn,
        /// The configuration file (default: `.onus.toml` in the current directory, if there is one).
        #[arg(long)]
        config: Option<PathBuf>,
        /// End with the responsibility table: per customer duty, resources checked, findings open and suppressed.
        #[arg(long)]
        summary: bool,
        /// Rules to leave out: comma-separated onus ids, peers' ids (`CKV_AWS_20`) or globs (`s3-*`).
        #[arg(long, value_name = "RULES")]
        skip: Option<String>,
        /// Only these rules (same forms as `--skip`).
        #[arg(long, value_name = "RULES")]
        only: Option<String>,
        /// Colour the text output: `auto` when stdout is a terminal and `NO_COLOR` is not set.
        #[arg(long, value_enum, default_value = "auto")]
        color: check::Color,
        /// A variable definitions file (`.tfvars` or `.tfvars.json`) for the root modules, as `terraform plan
        /// -var-file`; repeatable, applied in order after the modules' own tfvars files.
        #[arg(long = "var-file", value_name = "FILE")]
        var_files: Vec<PathBuf>,
        /// A variable's value for the root modules, as `terraform plan -var`; repeatable, applied after the files.
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
    },
    /// List the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: CatalogFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule id, as in `onus rules`.
        rule: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Low,
    Medium,
    High,
    Critical,
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
        Command::Check {
            paths,
            fix,
            diff,
            stdin_filename,
            format,
            fail_on,
            config,
            summary,
            skip,
            only,
            color,
            var_files,
            vars,
        } => {
            let fail_on = match fail_on {
                FailOn::Low => Severity::Low,
                FailOn::Medium => Severity::Medium,
                FailOn::High => Severity::High,
                FailOn::Critical => Severity::Critical,
            };
            let options = check::Options {
                paths,
                fix,
                diff,
                stdin_filename,
                format,
                fail_on,
                config,
                summary,
                skip,
                only,
                color,
                var_files,
                vars,
            };
            check::run(&options)
        }
        Command::Rules { format } => print_rules(format),
        Command::Explain { rule } => explain(&rule),
    };
    ExitCode::from(code as u8)
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
