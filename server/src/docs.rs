//! The rule pages a diagnostic links to, for a binary wherever it is installed: the pages are built into the
//! binary (`catalog::pages`) and written once to a folder of the user's cache named after their content, so
//! that a rebuilt binary with other pages never links to stale ones and an unchanged one writes nothing.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The folder holding this binary's rule pages (its `README.md` is the index), written there if it is not
/// yet: under `$ONUS_CACHE_DIR`, else the platform's cache folder (`$XDG_CACHE_HOME/onus`, `~/.cache/onus`,
/// `~/Library/Caches/onus`, `%LOCALAPPDATA%\onus`).
pub fn rule_pages() -> io::Result<PathBuf> {
    let root = cache_root().ok_or_else(|| io::Error::other("no cache folder (set ONUS_CACHE_DIR)"))?;
    let pages = onus_analysis::catalog::pages();
    let dir = root.join(format!("rules-{}-{:016x}", env!("CARGO_PKG_VERSION"), content_hash(&pages)));
    // The index is written last: a folder with it is complete.
    if !dir.join("README.md").is_file() {
        write_pages(&dir, &pages)?;
    }
    Ok(dir)
}

/// Writes the rule pages into `dir` (which `onus docs --out` names, or the cache folder): into a sibling
/// folder first, renamed into place when whole, so a server starting beside another never reads half a
/// folder, and a crash leaves no folder that looks complete.
pub fn write_pages(dir: &Path, pages: &BTreeMap<String, String>) -> io::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "rules".into());
    let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::create_dir_all(&partial)?;
    let written = pages
        .iter()
        .filter(|(page, _)| page.as_str() != "README.md")
        .chain(pages.get_key_value("README.md"))
        .try_for_each(|(page, text)| std::fs::write(partial.join(page), text));
    let placed = written.and_then(|()| match std::fs::rename(&partial, dir) {
        // Another process placed the same pages first, or `dir` is a folder the user named that exists:
        // write into it in place.
        Err(_) if dir.is_dir() => pages.iter().try_for_each(|(page, text)| std::fs::write(dir.join(page), text)),
        other => other,
    });
    if partial.exists() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    placed
}

fn cache_root() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("ONUS_CACHE_DIR") {
        return Some(dir);
    }
    let platform = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    };
    platform.map(|p| p.join("onus"))
}

/// FNV-1a over every page's name and text: stable across builds, so the folder name changes exactly when a
/// page does.
fn content_hash(pages: &BTreeMap<String, String>) -> u64 {
    let bytes = pages.iter().flat_map(|(name, text)| name.bytes().chain([0]).chain(text.bytes()).chain([0]));
    onus_analysis::fast_hash::fnv1a(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_written_whole_and_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("cache/rules-x");
        let pages = onus_analysis::catalog::pages();
        write_pages(&target, &pages).unwrap();
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), pages.len());
        assert_eq!(std::fs::read_to_string(target.join("s3-public-acl.md")).unwrap(), pages["s3-public-acl.md"]);
        // Written again over an existing folder (another server won the race): in place, no partial left.
        write_pages(&target, &pages).unwrap();
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("cache")).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["rules-x"]);
    }

    #[test]
    fn the_folder_name_follows_the_content() {
        let mut pages = onus_analysis::catalog::pages();
        let before = content_hash(&pages);
        assert_eq!(before, content_hash(&onus_analysis::catalog::pages()));
        pages.insert("s3-public-acl.md".into(), "changed".into());
        assert_ne!(before, content_hash(&pages));
    }
}
