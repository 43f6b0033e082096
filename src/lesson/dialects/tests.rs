use super::normalize;

/// `text` normalized, which must keep its number of lines.
fn norm(text: &str) -> String {
    let out = normalize(text).into_owned();
    assert_eq!(
        out.matches('\n').count(),
        text.matches('\n').count(),
        "lines were added or removed:\n{out}"
    );
    out
}

#[test]
fn a_lesson_without_foreign_markup_is_borrowed_unchanged() {
    let text = "# T\n\n## Step\n\n```bash {run}\necho hi\n```\n";
    assert!(matches!(normalize(text), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn ibm_docs_front_matter_attribute_lists_and_keywords() {
    let text = "---\n\ncopyright:\n  years: 2024\n\n---\n\n\
                # Getting started with {{site.data.keyword.registrylong}}\n{: #getting-started}\n\n\
                ## Install the CLI\n{: #install}\n{: step}\n\n\
                ```txt\nibmcloud plugin install container-registry\n```\n{: pre}\n\n\
                ```yaml\nkind: Pod\n```\n{: codeblock}\n";
    let out = norm(text);
    assert!(out.starts_with("---\n#\ncopyright:"), "{out}");
    assert!(
        out.contains("# Getting started with IBM Cloud Container Registry\n\n"),
        "{out}"
    );
    assert!(out.contains("## Install the CLI {#install}\n\n\n"), "{out}");
    assert!(out.contains("```sh\nibmcloud plugin install"), "{out}");
    assert!(out.contains("```yaml\nkind: Pod"), "{out}");
    assert!(!out.contains("{:"), "{out}");
}

#[test]
fn a_rule_above_a_blank_line_is_not_front_matter() {
    let text = "---\n\n# Title\n\nText.\n";
    assert_eq!(norm(text), text);
}

#[test]
fn hugo_shortcodes_become_callouts_and_labels_or_nothing() {
    let text = "{{% capture overview %}}\nIntro with a {{< glossary_tooltip text=\"Pod\" term_id=\"pod\" >}}.\n\
                {{< note >}}\nMind the gap.\n{{< /note >}}\n{{< tabs name=\"t\" >}}\n{{< tab name=\"Linux\" >}}\n\
                ```shell\nls\n```\n{{< /tab >}}\n{{< /tabs >}}\n{{% /capture %}}\n";
    let out = norm(text);
    assert_eq!(
        out,
        "\nIntro with a Pod.\n> [!NOTE]\n> Mind the gap.\n\n\n**Linux**\n```shell\nls\n```\n\n\n\n"
    );
}

#[test]
fn liquid_tags_go_and_a_filtered_path_stays() {
    let text = "{% raw %}\nSee [the guide]({{ \"/guide\" | relative_url }}) at {{ site.baseurl }}.\n\
                {% highlight bash %}\nmake\n{% endhighlight %}\n{% endraw %}\nGo: {{ .Name }}\n";
    assert_eq!(
        norm(text),
        "\nSee [the guide](/guide) at .\n```bash\nmake\n```\n\nGo: {{ .Name }}\n"
    );
}

#[test]
fn mkdocs_admonitions_and_tabs_are_callouts_and_labelled_text() {
    let text = "!!! tip \"Try it\"\n    Run this:\n\n        make\n\nAfter.\n\n=== \"Latest\"\n    ```sh\n    pip install x\n    ```\n";
    assert_eq!(
        norm(text),
        "> **Try it**\n> Run this:\n>\n>     make\n>\nAfter.\n\n**Latest**\n```sh\npip install x\n```\n"
    );
    assert_eq!(
        norm("??? warning\n    Careful.\n"),
        "> [!WARNING]\n> Careful.\n"
    );
}

#[test]
fn docusaurus_admonitions_are_callouts() {
    assert_eq!(
        norm(":::note\nHelm 3 only.\n:::\n"),
        "> [!NOTE]\n> Helm 3 only.\n\n"
    );
}

#[test]
fn pandoc_divs_nest_as_quotes_with_their_name_as_title() {
    let text = "::::::::: challenge
## Try
Do it.
::: solution
```bash
ls
```
:::
:::::::::
After.
";
    assert_eq!(
        norm(text),
        "> **Challenge**
> ## Try
> Do it.
> **Solution**
> ```bash
> ls
> ```
>

After.
"
    );
}

#[test]
fn cloud_shell_tags_and_links_keep_their_text() {
    let text = "<walkthrough-tutorial-duration duration=\"10\"></walkthrough-tutorial-duration>\n\
                Open <walkthrough-editor-open-file filePath=\"app.py\">app.py</walkthrough-editor-open-file> \
                or [the console](walkthrough://spotlight-pointer?spotlightId=devshell).\n";
    assert_eq!(norm(text), "\nOpen app.py or the console.\n");
}

#[test]
fn killercoda_exec_blocks_are_commands_and_inline_actions_go() {
    let text = "Run `ls -l`{{exec}} and `cat x`{{copy}}.\n\n```\nkubectl get pods\n```{{exec}}\n\n`keep {{this}}`\n\
                ```js\nshown();\n```{{}}\n```\nnode app.js\n```{{exec interrupt}}\n";
    assert_eq!(
        norm(text),
        "Run `ls -l` and `cat x`.\n\n```sh\nkubectl get pods\n```\n\n`keep {{this}}`\n\
         ```js\nshown();\n```\n```sh\nnode app.js\n```\n"
    );
}

#[test]
fn other_tools_fence_attributes_leave_the_language() {
    let text = "```sh {\"name\":\"build\",\"interactive\":\"false\"}\nmake\n```\n\
                ``` { .bash .no-copy }\nls\n```\n```yaml{2,5}\na: 1\n```\n```bash {run}\nok\n```\n";
    assert_eq!(
        norm(text),
        "```sh\nmake\n```\n```output\nls\n```\n```yaml\na: 1\n```\n```bash {run}\nok\n```\n"
    );
}

#[test]
fn without_a_level_two_heading_the_next_level_makes_the_steps() {
    assert_eq!(
        norm("# T\n\n### One\n\n```sh\n### not a heading\n```\n### Two\n"),
        "# T\n\n## One\n\n```sh\n### not a heading\n```\n## Two\n"
    );
    assert_eq!(norm("# T\n\n# One\n\n# Two\n"), "# T\n\n## One\n\n## Two\n");
    let with_steps = "# T\n\n## One\n\n### Detail\n";
    assert_eq!(norm(with_steps), with_steps);
    // A part written for labrun says where its steps are, even when it has none.
    let labrun_intro = "# T\n\n### About\n\n```bash {setup}\nmkdir x\n```\n";
    assert_eq!(norm(labrun_intro), labrun_intro);
}

#[test]
fn code_inside_a_fence_is_never_touched() {
    let text = "```\n{: pre}\n{{< note >}}\n!!! tip\n{% raw %}\n```\n";
    assert_eq!(norm(text), text);
}

#[test]
fn crlf_line_endings_are_kept() {
    assert_eq!(
        norm("```txt\r\nls\r\n```\r\n{: pre}\r\n"),
        "```sh\r\nls\r\n```\r\n\r\n"
    );
}

#[test]
fn nested_mkdocs_tabs_and_admonitions_keep_their_levels() {
    let text = "=== \":material-linux: Linux\"\n\n    Pick yours:\n\n    === \"Ubuntu\"\n\n        ```\n        apt install x\n        ```\n\n    !!! note\n        Root needed.\n\nAfter.\n";
    assert_eq!(
        norm(text),
        "**Linux**\n\nPick yours:\n\n**Ubuntu**\n\n```sh\napt install x\n```\n\n> [!NOTE]\n> Root needed.\n>\nAfter.\n"
    );
}

#[test]
fn placeholders_in_a_tutorials_commands_become_variables_to_ask() {
    let text = "# T\n\n## Go\n\n```bash\nibmcloud ks cluster config --cluster <cluster-name> <BILLING_ID> < in.txt\ncat <<EOF\n<div>x</div>\nEOF\n```\n\n```yaml\nname: <cluster-name>\n```\n";
    let (out, placeholders) = super::normalize_with_placeholders(text);
    assert!(
        out.contains("--cluster {{cluster_name}} {{BILLING_ID}} < in.txt\ncat <<EOF\n<div>x</div>"),
        "{out}"
    );
    assert!(out.contains("name: <cluster-name>"), "{out}");
    assert_eq!(
        placeholders,
        [
            ("cluster_name".to_owned(), "<cluster-name>".to_owned()),
            ("BILLING_ID".to_owned(), "<BILLING_ID>".to_owned())
        ]
    );
    // A lesson written for labrun says what it asks.
    let labrun = "# T\n\n## Go\n\n```bash {run}\necho <name>\n```\n";
    assert!(super::normalize_with_placeholders(labrun).1.is_empty());
}

#[test]
fn a_plain_fence_of_commands_or_a_transcript_is_run_and_output_is_not() {
    // In a tutorial not written for labrun.
    let text = "# T\n\n## S\n\n```\nkubectl get pods -n <namespace>\n```\n\n   ```\n   $ ls\n   a.txt\n   ```\n\n\
                ```\nNAME   READY\n```\n\n```\n$ pwd\n```\n{: .language-bash}\n\n```\n/usr/bin/env ls\n```\n{: .output}\n";
    assert_eq!(
        norm(text),
        "# T\n\n## S\n\n```sh\nkubectl get pods -n {{namespace}}\n```\n\n   ```console\n   $ ls\n   a.txt\n   ```\n\n\
         ```\nNAME   READY\n```\n\n```console\n$ pwd\n```\n\n\n```output\n/usr/bin/env ls\n```\n\n"
    );
    // A lesson written for labrun says itself what runs.
    let labrun = "# T\n\n## S\n\n```\nkubectl get pods\n```\n\n```bash {check}\ntrue\n```\n";
    assert_eq!(norm(labrun), labrun);
}
