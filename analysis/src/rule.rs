//! What a rule is: its id, title, severity, responsibility row, documentation, the peer tools' equivalent
//! checks, and its matchers (one per format). The engine runs rules and reports their findings without knowing
//! which rules exist: the catalog (`crate::catalog`) holds them, and its caller hands them to the engine as
//! [`Rules`].

use std::borrow::Cow;

use serde::Serialize;

use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::terraform::check::TfContext;

/// How bad a finding is. `Error` is for syntax errors, `Hint` for notes about onus's own comments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Low,
    Medium,
    High,
    Critical,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
            Severity::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        [Severity::Hint, Severity::Low, Severity::Medium, Severity::High, Severity::Critical, Severity::Error]
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// The same check in the peer tools, so their users can map onus's findings and their suppressions.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Equivalents {
    pub checkov: &'static [&'static str],
    /// KICS query ids (UUIDs).
    pub kics: &'static [&'static str],
    /// Trivy/tfsec AVD ids (`AVD-AWS-0086`) and their long ids (`aws-s3-block-public-acls`).
    pub trivy: &'static [&'static str],
}

impl Equivalents {
    pub const NONE: Equivalents = Equivalents { checkov: &[], kics: &[], trivy: &[] };

    pub fn is_empty(&self) -> bool {
        self.checkov.is_empty() && self.kics.is_empty() && self.trivy.is_empty()
    }

    /// Every id, the peers' together.
    pub fn ids(&self) -> impl Iterator<Item = &'static str> {
        self.checkov.iter().chain(self.kics).chain(self.trivy).copied()
    }
}

/// The peers' checks about the same duty that flag something else, and how they differ.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Related {
    pub checkov: &'static [&'static str],
    pub kics: &'static [&'static str],
    pub trivy: &'static [&'static str],
    /// How they differ from the rule (stricter, narrower, other resources), for the rule's documentation.
    pub how: &'static str,
}

impl Related {
    pub const NONE: Related = Related { checkov: &[], kics: &[], trivy: &[], how: "" };

    pub fn is_empty(&self) -> bool {
        self.checkov.is_empty() && self.kics.is_empty() && self.trivy.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = &'static str> {
        self.checkov.iter().chain(self.kics).chain(self.trivy).copied()
    }
}

/// A Terraform matcher: reports the rule's findings in a module.
pub type TerraformCheck = fn(&mut TfContext);

/// A CloudFormation matcher: reports the rule's findings in a template.
pub type CloudFormationCheck = fn(&mut CfnContext);

/// What a rule's documentation says of its matchers: what they flag, the fix in words, and examples.
pub struct Docs {
    /// What it does: one or two sentences.
    pub what: Cow<'static, str>,
    /// The fix, in words.
    pub fix: Cow<'static, str>,
    /// An insecure Terraform example and its fixed form.
    pub terraform: Option<(Cow<'static, str>, Cow<'static, str>)>,
    /// An insecure template (YAML) and its fixed form.
    pub cloudformation: Option<(Cow<'static, str>, Cow<'static, str>)>,
}

/// A rule's matchers, one per format it supports: written by hand ([`Custom`]) or declared with the rule kit,
/// whose declarations give their documentation too.
pub trait Matcher: Sync + 'static {
    /// The Terraform resource types it inspects (the duties hover and the code lens count for them); empty when
    /// it has no Terraform matcher.
    fn terraform_types(&self) -> &'static [&'static str];
    fn cloudformation_types(&self) -> &'static [&'static str];
    fn has_terraform(&self) -> bool;
    fn has_cloudformation(&self) -> bool;
    /// Reports the findings of a module (nothing without a Terraform matcher).
    fn check_terraform(&self, ctx: &mut TfContext);
    /// Reports the findings of a template (nothing without a CloudFormation matcher).
    fn check_cloudformation(&self, ctx: &mut CfnContext);
    /// Whether its findings offer a quick-fix.
    fn has_fix(&self) -> bool;
    fn docs(&self) -> Docs;
    /// The matcher itself, for the kit's tests of its declarations.
    fn as_any(&self) -> &dyn std::any::Any;
    /// Whether the rule inspects resources of type `ty` (matchers that take patterns answer for them).
    fn inspects(&self, ty: &str) -> bool {
        self.terraform_types().contains(&ty) || self.cloudformation_types().contains(&ty)
    }
    /// An organisation's own rule (from `.onus.toml`): it has no page in onus's documentation.
    fn is_organisation_policy(&self) -> bool {
        false
    }
}

/// Matchers written by hand, with their documentation.
pub struct Custom {
    pub what: &'static str,
    pub fix: &'static str,
    pub has_fix: bool,
    pub terraform: Option<TfMatcher>,
    pub cloudformation: Option<CfnMatcher>,
}

/// The Terraform side of a hand-written rule: the types it inspects, its matcher, and its documented examples.
pub struct TfMatcher {
    pub resource_types: &'static [&'static str],
    pub check: TerraformCheck,
    /// An insecure example and its fixed form.
    pub example: &'static str,
    pub fixed_example: &'static str,
}

/// The CloudFormation side of a hand-written rule: the types it inspects, its matcher, and its documented
/// examples.
pub struct CfnMatcher {
    pub resource_types: &'static [&'static str],
    pub check: CloudFormationCheck,
    /// An insecure template (YAML) and its fixed form.
    pub example: &'static str,
    pub fixed_example: &'static str,
}

impl Matcher for Custom {
    fn terraform_types(&self) -> &'static [&'static str] {
        self.terraform.as_ref().map_or(&[], |m| m.resource_types)
    }
    fn cloudformation_types(&self) -> &'static [&'static str] {
        self.cloudformation.as_ref().map_or(&[], |m| m.resource_types)
    }
    fn has_terraform(&self) -> bool {
        self.terraform.is_some()
    }
    fn has_cloudformation(&self) -> bool {
        self.cloudformation.is_some()
    }
    fn check_terraform(&self, ctx: &mut TfContext) {
        if let Some(m) = &self.terraform {
            (m.check)(ctx)
        }
    }
    fn check_cloudformation(&self, ctx: &mut CfnContext) {
        if let Some(m) = &self.cloudformation {
            (m.check)(ctx)
        }
    }
    fn has_fix(&self) -> bool {
        self.has_fix
    }
    fn docs(&self) -> Docs {
        Docs {
            what: self.what.into(),
            fix: self.fix.into(),
            terraform: self.terraform.as_ref().map(|m| (m.example.into(), m.fixed_example.into())),
            cloudformation: self.cloudformation.as_ref().map(|m| (m.example.into(), m.fixed_example.into())),
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub struct Rule {
    /// Stable, kebab-case: used in suppressions, configuration and the JSON contract.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub row: Row,
    /// The AWS service, as named in hover and docs (`S3`, `EC2`, `RDS`).
    pub service: &'static str,
    /// Why is this bad: one paragraph.
    pub why: &'static str,
    /// What AWS does here and what it leaves to the customer.
    pub aws_side: &'static str,
    /// The peers' checks that flag exactly what this rule flags, as their sources implement them: users'
    /// suppressions (`#checkov:skip=...`) and mapping tables go through these.
    pub equivalents: Equivalents,
    /// The peers' checks about the same duty that flag something else (onus is stricter, narrower, or looks at
    /// other resources): listed for reference, never used to suppress. The rule's docs say how they differ.
    pub related: Related,
    pub matcher: &'static dyn Matcher,
}

impl Rule {
    pub fn formats(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.matcher.has_terraform() {
            out.push("terraform");
        }
        if self.matcher.has_cloudformation() {
            out.push("cloudformation");
        }
        out
    }

    /// Whether the rule inspects resources of type `ty` (Terraform or CloudFormation).
    pub fn inspects(&self, ty: &str) -> bool {
        self.matcher.inspects(ty)
    }

    pub fn has_fix(&self) -> bool {
        self.matcher.has_fix()
    }

    pub fn docs(&self) -> Docs {
        self.matcher.docs()
    }

    /// The rule's documentation page, relative to the repository.
    pub fn doc_path(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }

    /// The documentation in Markdown: the source of `onus explain` and `docs/rules/<id>.md`.
    pub fn markdown(&self) -> String {
        let eq = |ids: &[&str]| if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
        let docs = self.docs();
        let example = |lang: &str, (bad, good): &(Cow<str>, Cow<str>)| {
            format!("```{lang}\n{}\n```\n\nUse instead:\n```{lang}\n{}\n```\n\n", bad.trim_end(), good.trim_end())
        };
        let related = if self.related.is_empty() {
            String::new()
        } else {
            format!(
                "\nRelated, not equivalent (never used to suppress): {}. {}\n",
                self.related.ids().collect::<Vec<_>>().join(", "),
                self.related.how
            )
        };
        let controls: Vec<String> = crate::frameworks::all()
            .iter()
            .filter_map(|f| {
                let ids = f.controls_of(self.id);
                (!ids.is_empty()).then(|| format!("- {}: {}", f.name, ids.join(", ")))
            })
            .collect();
        let controls = if controls.is_empty() {
            String::new()
        } else {
            format!(
                "## Compliance controls\nWhat this rule flags fails these controls (`onus check --framework`):\n{}\n\n",
                controls.join("\n")
            )
        };
        format!(
            "# {id}: {title}\n\n\
             | severity | responsibility row | service | formats | quick-fix |\n\
             |---|---|---|---|---|\n\
             | {sev} | `{row}` ({duty}) | {service} | {formats} | {fix} |\n\n\
             ## What it does\n{what}\n\n\
             ## Why is this bad?\n{why}\n\n\
             ## Whose duty is it?\n{aws}\n\n\
             ## How to fix it\n{fixtext}\n\n\
             {tf}{cfn}\
             ## Equivalents in other tools\n- Checkov: {checkov}\n- KICS: {kics}\n- Trivy/tfsec: {trivy}\n{related}\n\
             {controls}\
             ## Suppressing it\n`# onus:ignore:{id} <reason>` on the line above the resource or attribute; in \
             CloudFormation, `Metadata: {{onus: {{ignore: [{id}]}}}}` on the resource.\n",
            id = self.id,
            title = self.title,
            controls = controls,
            sev = self.severity.name(),
            row = self.row.slug(),
            duty = self.row.duty(),
            service = self.service,
            formats = self.formats().join(", "),
            fix = if self.has_fix() { "yes" } else { "no" },
            what = docs.what,
            why = self.why,
            aws = self.aws_side,
            fixtext = docs.fix,
            tf = docs.terraform.as_ref().map(|e| format!("## Example\n{}", example("hcl", e))).unwrap_or_default(),
            cfn = docs
                .cloudformation
                .as_ref()
                .map(|e| format!("In CloudFormation:\n{}", example("yaml", e)))
                .unwrap_or_default(),
            checkov = eq(self.equivalents.checkov),
            kics = eq(self.equivalents.kics),
            trivy = eq(self.equivalents.trivy),
        )
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// The rules an analysis runs, as its caller hands them to the engine (the whole catalog is
/// [`crate::catalog::rules`]): the engine knows no rule by name.
#[derive(Clone, Copy, Debug)]
pub struct Rules(&'static [&'static Rule], &'static [Overlap]);

/// Rules that report one problem in different words (a world-open SSH rule is open to the world, exposes a
/// sensitive port and exposes SSH): where several fire, the person sees the most specific finding, carrying the
/// others as related information. Each rule stays separately suppressible and configurable.
#[derive(Clone, Copy, Debug)]
pub struct Overlap {
    /// Most specific first.
    pub rules: &'static [&'static str],
    /// Whether the findings must point at the same place (one ingress entry of a group) or only be about the same
    /// resource (a bucket's public ACL, seen by the ACL and the public access block rules).
    pub same_place: bool,
    /// How many of the first rules carry the others: a finding of the rest is folded only into one of these (a
    /// bucket's public access block settings are one problem with its public ACL, two problems without it).
    pub carriers: usize,
}

impl Rules {
    pub const fn new(rules: &'static [&'static Rule]) -> Rules {
        Rules(rules, &[])
    }

    /// The same rules, folding the findings of `overlaps`.
    pub const fn with_overlaps(self, overlaps: &'static [Overlap]) -> Rules {
        Rules(self.0, overlaps)
    }

    /// Every rule, in catalog order.
    pub fn all(self) -> &'static [&'static Rule] {
        self.0
    }

    pub fn overlaps(self) -> &'static [Overlap] {
        self.1
    }

    pub fn by_id(self, id: &str) -> Option<&'static Rule> {
        self.0.iter().copied().find(|r| r.id == id)
    }

    /// The rules that claim a peer's check (`CKV_AWS_20`, a KICS query id, `AVD-AWS-0086` or Trivy's long id),
    /// whatever its case.
    pub fn by_peer_id(self, id: &str) -> Vec<&'static Rule> {
        let is = |ids: &[&str]| ids.iter().any(|p| p.eq_ignore_ascii_case(id));
        let e = |r: &&Rule| is(r.equivalents.checkov) || is(r.equivalents.kics) || is(r.equivalents.trivy);
        self.0.iter().copied().filter(e).collect()
    }

    /// The rules a command line names: comma-separated onus ids, peers' ids, or globs of onus ids (`s3-*`).
    /// An error names what matches no rule.
    pub fn select(self, names: &str) -> Result<Vec<&'static Rule>, String> {
        let mut out: Vec<&'static Rule> = Vec::new();
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let found: Vec<&'static Rule> = if name.contains('*') {
                self.0.iter().copied().filter(|r| glob_matches(name, r.id)).collect()
            } else {
                self.by_id(name).map(|r| vec![r]).unwrap_or_else(|| self.by_peer_id(name))
            };
            if found.is_empty() {
                let near = self.near(name);
                let hint =
                    if near.is_empty() { String::new() } else { format!(" (did you mean `{}`?)", near.join("`, `")) };
                return Err(format!("no onus rule `{name}`{hint}"));
            }
            out.extend(found.into_iter().filter(|r| !out.iter().any(|o| o.id == r.id)).collect::<Vec<_>>());
        }
        Ok(out)
    }

    /// The ids closest to `name` (a typo, a part of an id), closest first.
    pub fn near(self, name: &str) -> Vec<&'static str> {
        let name = name.to_ascii_lowercase();
        let mut scored: Vec<(usize, &'static str)> = self
            .0
            .iter()
            .map(|r| (if r.id.contains(name.as_str()) { 0 } else { edit_distance(&name, r.id) }, r.id))
            .filter(|(d, _)| *d <= 3)
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }
}

/// Whether `id` matches `glob`, where `*` is any run of characters.
fn glob_matches(glob: &str, id: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !id.starts_with(first) || !id[first.len()..].ends_with(last) || id.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &id[first.len()..id.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}
