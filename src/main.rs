#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    labrun::run(std::env::args_os())
}
