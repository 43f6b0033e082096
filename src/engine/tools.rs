//! `requires.tools`: programs a lesson needs on `PATH`.

use std::path::Path;

use crate::lesson::ToolRequirement;

/// The required tools that are not on `PATH`.
pub fn missing_tools(tools: &[ToolRequirement]) -> Vec<&ToolRequirement> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    tools
        .iter()
        .filter(|tool| !on_path(&tool.name, &path))
        .collect()
}

/// Whether `name` is an executable file in one of the `PATH` folders (what `which` does).
fn on_path(name: &str, path: &std::ffi::OsStr) -> bool {
    if name.contains('/') {
        return is_executable(Path::new(name));
    }
    std::env::split_paths(path).any(|dir| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_programs_on_path_and_reports_the_others() {
        let tools = [
            ToolRequirement {
                name: "sh".into(),
                hint: None,
            },
            ToolRequirement {
                name: "labrun-no-such-tool".into(),
                hint: Some("install it".into()),
            },
        ];
        let missing = missing_tools(&tools);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].name, "labrun-no-such-tool");
    }
}
