use super::*;

fn parse(text: &str) -> Node {
    Node::parse(text, 100, Code::YamlSyntax).unwrap_or_else(|d| panic!("{}", d.message))
}

fn text_of(node: &Node) -> (&str, bool) {
    match &node.value {
        Value::Text { text, plain } => (text.as_str(), *plain),
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn scalars_are_kept_as_written_with_spans_in_the_lesson_file() {
    let yaml = "version: 1.10\ntitle: Yes\nquoted: \"1.10\"\nempty:\n";
    let root = parse(yaml);
    assert_eq!(text_of(root.get("version").unwrap()), ("1.10", true));
    assert_eq!(text_of(root.get("title").unwrap()), ("Yes", true));
    assert_eq!(text_of(root.get("quoted").unwrap()), ("1.10", false));
    assert!(root.get("empty").unwrap().is_null());
    // Spans are bytes of the lesson file: the text starts at byte 100.
    let version = &root.entries()[0];
    assert_eq!(version.key.span, Span::new(100, 107));
    assert_eq!(version.value.span, Span::new(109, 113));
    let quoted = root.get("quoted").unwrap();
    assert_eq!(
        &yaml[quoted.span.start - 100..quoted.span.end - 100],
        "\"1.10\""
    );
}

#[test]
fn a_multi_line_value_is_shown_by_its_first_line() {
    let yaml = "duration:\n  minutes: 10\n  seconds: 5\nnext: x\n";
    let root = parse(yaml);
    let span = root.get("duration").unwrap().span;
    assert_eq!(&yaml[span.start - 100..span.end - 100], "minutes: 10");
}

#[test]
fn repeated_keys_are_all_kept_and_the_last_is_read() {
    let root = parse("a: 1\na: 2\n");
    assert_eq!(root.entries().len(), 2);
    assert_eq!(text_of(root.get("a").unwrap()).0, "2");
}

#[test]
fn anchors_aliases_and_merge_keys_resolve() {
    let root = parse(
        "base: &base { prompt: Region?, default: us-south }\n\
         eu:\n  <<: *base\n  default: eu-de\nsame: *base\n",
    );
    let eu = root.get("eu").unwrap();
    assert_eq!(
        text_of(eu.get("default").unwrap()).0,
        "eu-de",
        "own keys win"
    );
    assert_eq!(text_of(eu.get("prompt").unwrap()).0, "Region?");
    assert_eq!(eu.entries().len(), 2);
    let same = root.get("same").unwrap();
    assert_eq!(text_of(same.get("default").unwrap()).0, "us-south");
}

#[test]
fn an_alias_bomb_is_refused_not_expanded() {
    let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 10].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let error = Node::parse(&yaml, 0, Code::YamlSyntax).unwrap_err();
    assert!(
        error.message.contains("aliases expand to more than"),
        "{}",
        error.message
    );
}

#[test]
fn syntax_errors_point_at_their_line() {
    let yaml = "id: x\ntitle: \"open\nsummary: y\n";
    let error = Node::parse(yaml, 10, Code::YamlSyntax).unwrap_err();
    assert_eq!(error.code, Code::YamlSyntax);
    assert!(error.span.start >= 10 + 6, "{:?}", error.span);
    let yaml = "summary: a\n  duration: 20m\n";
    let error = Node::parse(yaml, 0, Code::MalformedQuiz).unwrap_err();
    assert_eq!(error.code, Code::MalformedQuiz);
    assert_eq!(&yaml[error.span.range()], ": 20m", "{}", error.message);
}

#[test]
fn more_than_one_document_is_refused() {
    let error = Node::parse("a: 1\n---\nb: 2\n", 0, Code::YamlSyntax).unwrap_err();
    assert!(
        error.message.contains("one YAML document"),
        "{}",
        error.message
    );
}

#[test]
fn an_empty_text_is_null() {
    assert!(parse("").is_null());
    assert!(parse("# only a comment\n").is_null());
}

#[test]
fn the_reader_reports_each_value_of_the_wrong_kind_and_reads_on() {
    let root = parse("a: [1, 2]\nb: maybe\nc: x\nd: true\ne: [x, {y: 1}, z]\n");
    let mut diags = Vec::new();
    let mut read = Reader::new(Code::InvalidFrontMatter, &mut diags);
    assert_eq!(read.text(root.get("a"), "`a`"), None);
    assert_eq!(read.flag(root.get("b"), "`b`"), None);
    assert_eq!(read.text(root.get("c"), "`c`").as_deref(), Some("x"));
    assert_eq!(read.flag(root.get("d"), "`d`"), Some(true));
    assert_eq!(read.texts(root.get("c"), "`c`"), Vec::<String>::new());
    assert_eq!(read.texts(root.get("e"), "`e`"), ["x", "z"]);
    assert_eq!(read.text(root.get("missing"), "`missing`"), None);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`a` must be text, not a list",
            "`b` must be `true` or `false`, not `maybe`",
            "`c` must be a list, not `x`",
            "an item of `e` must be text, not a mapping",
        ]
    );
    assert!(diags.iter().all(|d| d.code == Code::InvalidFrontMatter));
}

#[test]
fn core_schema_tags_say_how_a_text_is_read() {
    let root = parse("a: !!bool true\nb: !!null ''\nc: !!str true\nd: !custom x\n");
    let mut diags = Vec::new();
    let mut read = Reader::new(Code::InvalidFrontMatter, &mut diags);
    assert_eq!(read.flag(root.get("a"), "`a`"), Some(true));
    assert!(root.get("b").unwrap().is_null());
    assert_eq!(
        read.flag(root.get("c"), "`c`"),
        None,
        "`!!str true` is text"
    );
    assert_eq!(read.text(root.get("d"), "`d`").as_deref(), Some("x"));
    assert_eq!(diags.len(), 1, "{diags:#?}");
}

#[test]
fn an_empty_list_item_is_reported_not_dropped() {
    let root = parse("choices: [null, a, ~]\n");
    let mut diags = Vec::new();
    let mut read = Reader::new(Code::MalformedQuiz, &mut diags);
    assert_eq!(read.texts(root.get("choices"), "`choices`"), ["a"]);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "an item of `choices` is empty",
            "an item of `choices` is empty"
        ]
    );
}

#[test]
fn merging_what_is_not_a_mapping_is_an_error_and_a_self_alias_is_named() {
    let error = Node::parse("k: { <<: foo }\n", 0, Code::YamlSyntax).unwrap_err();
    assert!(
        error.message.contains("`<<` merges a mapping"),
        "{}",
        error.message
    );
    let error = Node::parse("k: &a {more: *a}\n", 0, Code::YamlSyntax).unwrap_err();
    assert!(
        error.message.contains("refers to itself"),
        "{}",
        error.message
    );
    let ok = parse("base: &b {x: 1}\nk:\n  <<: [*b, {y: 2}]\n");
    assert_eq!(ok.get("k").unwrap().entries().len(), 2);
}

#[test]
fn a_large_text_with_one_alias_is_not_an_alias_bomb() {
    let mut yaml = String::from("base: &b {x: 1}\n");
    for i in 0..12_000 {
        yaml.push_str(&format!("k{i}: v\n"));
    }
    yaml.push_str("last: *b\n");
    assert_eq!(parse(&yaml).entries().len(), 12_002);
}

#[test]
fn a_quoted_true_is_named_as_quoted_text() {
    let root = parse("secret: \"true\"\n");
    let mut diags = Vec::new();
    let mut read = Reader::new(Code::InvalidFrontMatter, &mut diags);
    assert_eq!(read.flag(root.get("secret"), "`secret`"), None);
    assert_eq!(
        diags[0].message,
        "`secret` must be `true` or `false`, not the quoted text `\"true\"`"
    );
}
