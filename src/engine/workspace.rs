//! The lesson workspace: the folder commands run in and `file=` blocks write to.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Creates the workspace folder if needed.
pub fn prepare(workspace: &Path) -> Result<(), String> {
    fs::create_dir_all(workspace).map_err(|e| e.to_string())
}

/// Writes `text` to `relative` inside `workspace`, refusing any path that would land
/// outside it: absolute paths, `..` climbing out, and symlinks pointing out.
pub fn write_file(workspace: &Path, relative: &Path, text: &str) -> Result<PathBuf, String> {
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
    let target = root.join(&normal);
    let parent = target.parent().unwrap_or(&root);
    fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    // A symlinked folder on the way could point anywhere: judge where it really leads.
    let real_parent = parent.canonicalize().map_err(|e| e.to_string())?;
    if !real_parent.starts_with(&root) {
        return Err("the path goes through a link that leaves the lesson workspace".into());
    }
    let file_name = target.file_name().ok_or("the path names no file")?;
    let final_path = real_parent.join(file_name);
    if final_path
        .symlink_metadata()
        .is_ok_and(|meta| meta.file_type().is_symlink())
    {
        return Err("the file is a symbolic link; labrun does not write through links".into());
    }
    // Write to a temporary file and rename, so a crash never leaves half a file.
    let temp = real_parent.join(format!(".{}.labrun-tmp", file_name.to_string_lossy()));
    let mut file = fs::File::create(&temp).map_err(|e| e.to_string())?;
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
}
