//! Finding the files to check: the files given, and under each directory given the files onus analyses,
//! skipping `.terraform/`, `.git/` and what `.gitignore` ignores. Symbolic links are not followed.

use std::path::PathBuf;

use onus_analysis::file_kind::FileKind;

pub struct Found {
    pub files: Vec<String>,
    pub errors: Vec<String>,
    /// The files named on the command line (each must be something onus checks).
    pub named: Vec<String>,
    /// The directories given that hold nothing onus checks.
    pub empty: Vec<String>,
}

pub fn files(paths: &[PathBuf]) -> Found {
    let mut found = Found { files: Vec::new(), errors: Vec::new(), named: Vec::new(), empty: Vec::new() };
    for root in paths {
        let shown = root.to_string_lossy().into_owned();
        match std::fs::metadata(root) {
            Err(e) => found.errors.push(format!("{shown}: {e}")),
            Ok(meta) if meta.is_file() => {
                if FileKind::from_path(&shown).is_some() {
                    found.named.push(shown.clone());
                    found.files.push(shown);
                } else if is_binary_plan(root) {
                    found.errors.push(format!(
                        "{shown}: a binary Terraform plan; check its JSON instead: `terraform show -json {shown} > plan.json`"
                    ));
                } else {
                    found.errors.push(format!("{shown}: not a Terraform or CloudFormation file"));
                }
            }
            Ok(_) => {
                let before = found.files.len();
                walk_dir(root, &mut found);
                if found.files.len() == before {
                    found.empty.push(shown);
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

/// Whether the file starts as a binary plan (`terraform plan -out`) does.
fn is_binary_plan(path: &std::path::Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && onus_analysis::terraform::plan::is_binary_plan(&head)
}

fn walk_dir(root: &PathBuf, found: &mut Found) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".terraform" | ".git")))
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let p = e.path().to_string_lossy().into_owned();
                if FileKind::from_path(&p).is_some() {
                    found.files.push(p);
                }
            }
            Ok(_) => {}
            Err(e) => found.errors.push(e.to_string()),
        }
    }
}
