//! The lesson workspace: the folder commands run in and `file=` blocks write to.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Where the paths the lesson's `file=` blocks wrote are kept (see [`written_files`]).
const WRITTEN: &str = "files.json";

/// The files the lesson's `file=` blocks wrote in `workspace`, as saved there.
pub(super) fn written_files(workspace: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_to_string(workspace.join(super::shell_state::STATE_DIR).join(WRITTEN))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Saves the list of files the lesson wrote (through a temporary file and a rename).
pub(super) fn save_written_files(
    workspace: &Path,
    written: &std::collections::BTreeSet<String>,
) -> Result<(), String> {
    let dir = workspace.join(super::shell_state::STATE_DIR);
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(written).map_err(|e| e.to_string())?;
    let temp = dir.join(format!("{WRITTEN}.tmp"));
    fs::write(&temp, json).map_err(|e| e.to_string())?;
    fs::rename(&temp, dir.join(WRITTEN)).map_err(|e| e.to_string())
}

/// Creates the workspace folder if needed.
pub(super) fn prepare(workspace: &Path) -> Result<(), String> {
    fs::create_dir_all(workspace).map_err(|e| e.to_string())
}

/// Writes `text` to `relative` inside `workspace`, refusing any path that would land
/// outside it: absolute paths, `..` climbing out, and symlinks pointing out.
pub(super) fn write_file(workspace: &Path, relative: &Path, text: &str) -> Result<PathBuf, String> {
    let mut normal = PathBuf::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::CurDir => {}
            Component::ParentDir if normal.pop() => {}
            _ => return Err("the path leaves the lesson workspace".into()),
        }
    }
    if normal.as_os_str().is_empty() {
        return Err("the path names no file".into());
    }
    let root = workspace
        .canonicalize()
        .map_err(|e| format!("workspace: {e}"))?;
    let file_name = normal.file_name().ok_or("the path names no file")?;
    // Folder by folder: a symlinked folder on the way could point anywhere, so judge where it
    // really leads before creating anything behind it.
    let mut real_parent = root.clone();
    for folder in normal.parent().into_iter().flat_map(Path::components) {
        let next = real_parent.join(folder);
        if !next.exists() {
            fs::create_dir(&next).map_err(|e| e.to_string())?;
        }
        real_parent = next.canonicalize().map_err(|e| e.to_string())?;
        if !real_parent.starts_with(&root) {
            return Err("the path goes through a link that leaves the lesson workspace".into());
        }
    }
    let final_path = real_parent.join(file_name);
    if final_path
        .symlink_metadata()
        .is_ok_and(|meta| meta.file_type().is_symlink())
    {
        return Err("the file is a symbolic link; labrun does not write through links".into());
    }
    // Write to a temporary file and rename, so a crash never leaves half a file. The name is
    // made afresh (a leftover, or a link planted there, is removed, never written through).
    let temp = real_parent.join(format!(".{}.labrun-tmp", file_name.to_string_lossy()));
    if temp.symlink_metadata().is_ok() {
        fs::remove_file(&temp).map_err(|e| e.to_string())?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(|e| e.to_string())?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| e.to_string())?;
    fs::rename(&temp, &final_path).map_err(|e| e.to_string())?;
    Ok(final_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_inside_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_file(dir.path(), Path::new("k8s/./deploy.yaml"), "a: 1\n").unwrap();
        assert_eq!(fs::read_to_string(&written).unwrap(), "a: 1\n");
        assert!(written.ends_with("k8s/deploy.yaml"));
    }

    #[test]
    fn paths_leaving_the_workspace_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "."] {
            assert!(
                write_file(dir.path(), Path::new(bad), "x").is_err(),
                "{bad}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_lead_outside() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        let error = write_file(dir.path(), Path::new("out/x.txt"), "x").unwrap_err();
        assert!(error.contains("link that leaves"), "{error}");
        assert!(!outside.path().join("x.txt").exists());

        std::os::unix::fs::symlink(outside.path().join("target"), dir.path().join("f.txt"))
            .unwrap();
        assert!(write_file(dir.path(), Path::new("f.txt"), "x").is_err());
        assert!(!outside.path().join("target").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_is_not_followed_to_create_folders_outside() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        let error = write_file(dir.path(), Path::new("out/new/deeper/x.txt"), "x").unwrap_err();
        assert!(error.contains("link that leaves"), "{error}");
        assert!(
            !outside.path().join("new").exists(),
            "a folder was created outside the workspace"
        );
        // A link that stays inside is fine, and folders are made behind it.
        fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("alias")).unwrap();
        let written = write_file(dir.path(), Path::new("alias/sub/x.txt"), "x").unwrap();
        assert_eq!(fs::read_to_string(written).unwrap(), "x");
        assert!(dir.path().join("real/sub/x.txt").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_written_through() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        fs::write(&victim, "keep me").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".notes.txt.labrun-tmp")).unwrap();
        let written = write_file(dir.path(), Path::new("notes.txt"), "lesson text").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(fs::read_to_string(&written).unwrap(), "lesson text");
        assert!(
            !written.symlink_metadata().unwrap().file_type().is_symlink(),
            "the planted link became the file"
        );
    }
}
