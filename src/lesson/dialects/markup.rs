//! Other tools' inline markup: admonition and callout heads, Hugo shortcodes, Angular docs
//! elements, Liquid tags, kramdown attribute lists, IBM docs keywords, Cloud Shell and
//! Killercoda spans.

use super::*;

/// `text` without MkDocs Material's `:icon-name:` shortcodes.
pub(super) fn without_icons(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| !(word.len() > 2 && word.starts_with(':') && word.ends_with(':')))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The kind and title after the colons that open a Docusaurus admonition (`:::note`,
/// `:::tip Title`) or a pandoc div (`:::::: challenge`, `::: {.callout}`).
pub(super) fn colon_fence(line: &str) -> Option<&str> {
    let colons = line.chars().take_while(|&c| c == ':').count();
    if colons < 3 {
        return None;
    }
    let rest = line[colons..].trim().trim_end_matches(':').trim();
    let rest = rest
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .trim_start_matches('.');
    rest.chars()
        .next()
        .is_some_and(char::is_alphabetic)
        .then_some(rest)
}

/// A line of colons alone: the end of a div or an admonition.
pub(super) fn is_colon_close(line: &str) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == ':')
}

/// The first line of a callout for a div or admonition: GitHub's kinds as they are, any
/// other word (`challenge`, `objectives`) as a bold title.
pub(super) fn div_head(rest: &str) -> String {
    let (kind, title) = admonition(rest);
    let github = [
        "note",
        "tip",
        "info",
        "important",
        "warning",
        "caution",
        "danger",
        "hint",
        "attention",
    ];
    match title {
        Some(title) => callout_head(&kind, Some(&title)),
        None if github.contains(&kind.as_str()) => callout_head(&kind, None),
        None => {
            let mut chars = kind.chars();
            let word: String = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            format!("> **{word}**")
        }
    }
}

/// `kind "Title"` of an admonition: its kind, and its title when quoted.
pub(super) fn admonition(rest: &str) -> (String, Option<String>) {
    let (kind, title) = match rest.find('"') {
        Some(quote) => (
            rest[..quote].trim(),
            Some(rest[quote..].trim().trim_matches('"').to_owned()),
        ),
        None => {
            let mut words = rest.splitn(2, char::is_whitespace);
            let kind = words.next().unwrap_or("note");
            let title = words
                .next()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            (kind, title)
        }
    };
    let kind = kind
        .split_whitespace()
        .next()
        .unwrap_or("note")
        .to_ascii_lowercase();
    (kind, title.filter(|title| !title.is_empty()))
}

/// The first line of a callout for an admonition of `kind`: GitHub's five kinds, or the
/// title in bold when there is one (a callout's first line holds nothing else).
pub(super) fn callout_head(kind: &str, title: Option<&str>) -> String {
    if let Some(title) = title {
        return format!("> **{title}**");
    }
    let github = match kind {
        "tip" | "hint" | "success" | "check" | "done" | "example" => "TIP",
        "important" | "info" | "todo" | "question" | "help" | "faq" | "abstract" | "summary" => {
            "IMPORTANT"
        }
        "warning" | "attention" | "caution" | "failure" | "fail" | "missing" | "bug" => "WARNING",
        "danger" | "error" | "alert" => "CAUTION",
        _ => "NOTE",
    };
    format!("> [!{github}]")
}

/// A Hugo shortcode: `{{< name key="value" >}}`, `{{% /name %}}`.
pub(super) struct Shortcode {
    pub(super) name: String,
    pub(super) closing: bool,
    pub(super) params: String,
}

impl Shortcode {
    pub(super) fn param(&self, key: &str) -> Option<String> {
        let at = self.params.find(&format!("{key}=\""))? + key.len() + 2;
        let end = self.params[at..].find('"')? + at;
        Some(self.params[at..end].to_owned())
    }
}

/// The shortcode that is the whole of `text`.
pub(super) fn whole_shortcode(text: &str) -> Option<Shortcode> {
    let inner = text
        .strip_prefix("{{<")
        .and_then(|t| t.strip_suffix(">}}"))
        .or_else(|| text.strip_prefix("{{%").and_then(|t| t.strip_suffix("%}}")))?;
    if inner.contains("}}") {
        return None;
    }
    let inner = inner.trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, inner),
    };
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    Some(Shortcode {
        name: inner[..name_end].to_owned(),
        closing,
        params: inner[name_end..].to_owned(),
    })
}

/// The Angular docs element (`<docs-step title="X">`, `</docs-step>`,
/// `<docs-code path="x"/>`) that opens `text` and takes its whole first tag; its name
/// without `docs-`.
pub(super) fn whole_docs_element(text: &str) -> Option<Shortcode> {
    let (closing, rest) = match text.strip_prefix("</docs-") {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix("<docs-")?),
    };
    let end = rest.find('>')?;
    let inner = rest[..end].trim_end_matches('/');
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = &inner[..name_end];
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')).then(|| {
        Shortcode {
            name: name.to_owned(),
            closing,
            params: inner[name_end..].to_owned(),
        }
    })
}

/// The Liquid tag that is the whole of `text`: `{% raw %}` gives `raw`.
pub(super) fn whole_liquid_tag(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("{%")?.strip_suffix("%}")?;
    (!inner.contains("%}")).then(|| inner.trim().trim_matches('-').trim())
}

/// Each `{{< ... >}}` and `{{% ... %}}` in a line: a glossary tooltip becomes its text,
/// any other shortcode nothing.
pub(super) fn shortcodes(line: &str) -> String {
    let keep_text = |code: &str| match whole_shortcode(code) {
        Some(code) if !code.closing => code.param("text").unwrap_or_default(),
        _ => String::new(),
    };
    let line = replace_spans(line, "{{<", ">}}", keep_text);
    replace_spans(&line, "{{%", "%}}", keep_text)
}

/// `line` with each span from `open` to the next `close` replaced by what `replace` makes of
/// it (delimiters included); an `open` never closed, and what follows it, stay as written.
pub(super) fn replace_spans(
    line: &str,
    open: &str,
    close: &str,
    replace: impl Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(open) {
        let Some(len) = rest[start + open.len()..].find(close) else {
            break;
        };
        let end = start + open.len() + len + close.len();
        out.push_str(&rest[..start]);
        out.push_str(&replace(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Each Liquid tag (`{% include x %}`) and output naming the site or a filter
/// (`{{ site.baseurl }}`, `{{ "/a" | relative_url }}`) in a line: gone, but for a filter's
/// quoted argument, which stays.
pub(super) fn liquid(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let tag = rest.find("{%");
        let output = rest.find("{{ ");
        let (start, close) = match (tag, output) {
            (Some(t), Some(o)) if o < t => (o, "}}"),
            (Some(t), _) => (t, "%}"),
            (None, Some(o)) => (o, "}}"),
            (None, None) => break,
        };
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        let end = start + len + close.len();
        let inner = &rest[start + 2..end - 2];
        out.push_str(&rest[..start]);
        if close == "}}" {
            let inner = inner.trim();
            let is_liquid = inner.contains('|')
                || ["site.", "page.", "include.", "layout."]
                    .iter()
                    .any(|prefix| inner.starts_with(prefix));
            if !is_liquid {
                // A template of another kind (Go, Jinja): text.
                out.push_str(&rest[start..end]);
            } else if let Some(quoted) = inner
                .split('|')
                .next()
                .map(str::trim)
                .filter(|v| v.len() >= 2 && (v.starts_with('"') || v.starts_with('\'')))
            {
                out.push_str(&quoted[1..quoted.len() - 1]);
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `{: ...}` attribute lists at the end of a line (`## Title {: #id}`, `text{: .note}`).
pub(super) fn strip_attribute_lists(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("{:") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(rest[..start].trim_end_matches(' '));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// IBM Cloud docs' product names, `{{site.data.keyword.NAME}}`: the names of the products
/// the IKS lessons use, as the published topics on cloud.ibm.com/docs show them (`_notm`
/// is the same name without a trademark sign); any other becomes its key.
pub(super) fn keywords(line: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("cloud_notm", "IBM Cloud"),
        ("cloud", "IBM Cloud"),
        ("registrylong", "IBM Cloud Container Registry"),
        ("registrylong_notm", "IBM Cloud Container Registry"),
        ("registryshort", "Container Registry"),
        ("registryshort_notm", "Container Registry"),
        ("containerlong", "IBM Cloud Kubernetes Service"),
        ("containerlong_notm", "IBM Cloud Kubernetes Service"),
        ("containershort", "IBM Cloud Kubernetes Service"),
        ("containershort_notm", "IBM Cloud Kubernetes Service"),
        ("keymanagementservicelong", "IBM Key Protect for IBM Cloud"),
        (
            "keymanagementservicelong_notm",
            "IBM Key Protect for IBM Cloud",
        ),
        ("keymanagementserviceshort", "Key Protect"),
        ("va_full", "Vulnerability Advisor"),
        ("va_short", "Vulnerability Advisor"),
        ("iamlong", "IBM Cloud Identity and Access Management"),
        ("iamshort", "IAM"),
        ("openshiftlong", "Red Hat OpenShift on IBM Cloud"),
        ("openshiftlong_notm", "Red Hat OpenShift on IBM Cloud"),
        ("openshiftshort", "Red Hat OpenShift"),
        ("codeenginefull", "IBM Cloud Code Engine"),
        ("codeengineshort", "Code Engine"),
    ];
    replace_spans(line, "{{site.data.keyword.", "}}", |tag| {
        let key = &tag["{{site.data.keyword.".len()..tag.len() - 2];
        match NAMES.iter().find(|(name, _)| *name == key) {
            Some((_, product)) => (*product).to_owned(),
            // The docs' shared definitions, included at the top of a topic: nothing to read.
            None if key.starts_with("attribute-definition") => String::new(),
            None => key.to_owned(),
        }
    })
}

/// Cloud Shell's `<walkthrough-...>` tags (their text stays) and `walkthrough://` links
/// (their text stays).
pub(super) fn walkthrough(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let tag = rest
            .find("<walkthrough-")
            .or_else(|| rest.find("</walkthrough-"));
        let tag = [rest.find("<walkthrough-"), rest.find("</walkthrough-")]
            .into_iter()
            .flatten()
            .min()
            .or(tag);
        let link = rest.find("](walkthrough://");
        match (tag, link) {
            (Some(t), l) if l.is_none_or(|l| t < l) => {
                let Some(len) = rest[t..].find('>') else {
                    break;
                };
                out.push_str(&rest[..t]);
                rest = &rest[t + len + 1..];
            }
            (_, Some(l)) => {
                // `[text](walkthrough://...)`: the text, without its brackets.
                let Some(open) = rest[..l].rfind('[') else {
                    out.push_str(&rest[..l + 2]);
                    rest = &rest[l + 2..];
                    continue;
                };
                let Some(len) = rest[l..].find(')') else {
                    break;
                };
                out.push_str(&rest[..open]);
                out.push_str(&rest[open + 1..l]);
                rest = &rest[l + len + 1..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

/// Killercoda's `` `cmd`{{exec}} `` and `{{copy}}` after inline code: the code alone.
pub(super) fn killercoda_inline(line: &str) -> String {
    replace_spans(line, "`{{", "}}", |span| {
        if is_killercoda_action(&span[1..]) {
            "`".to_owned()
        } else {
            span.to_owned()
        }
    })
}
