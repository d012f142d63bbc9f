//! What a rule is: its id, title, severity, responsibility row, documentation, the peer tools' equivalent
//! checks, and its matchers (one per format). The engine runs rules and reports their findings without knowing
//! which rules exist: the catalog (`crate::catalog`) holds them, and its caller hands them to the engine as
//! [`Rules`].

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

/// A Terraform matcher: reports the rule's findings in a module.
pub type TerraformCheck = fn(&mut TfContext);

/// A CloudFormation matcher: reports the rule's findings in a template.
pub type CloudFormationCheck = fn(&mut CfnContext);

/// The CloudFormation side of a rule: the types it inspects, its matcher, and its documented examples.
pub struct CfnMatcher {
    pub resource_types: &'static [&'static str],
    pub check: CloudFormationCheck,
    /// An insecure template (YAML) and its fixed form.
    pub example: &'static str,
    pub fixed_example: &'static str,
}

pub struct Rule {
    /// Stable, kebab-case: used in suppressions, configuration and the JSON contract.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub row: Row,
    /// The AWS service, as named in hover and docs (`S3`, `EC2`, `RDS`).
    pub service: &'static str,
    /// What it does: one sentence.
    pub what: &'static str,
    /// Why is this bad: one paragraph.
    pub why: &'static str,
    /// What AWS does here and what it leaves to the customer.
    pub aws_side: &'static str,
    /// The fix, in words.
    pub fix: &'static str,
    /// An insecure example and its fixed form, in Terraform.
    pub example: &'static str,
    pub fixed_example: &'static str,
    pub equivalents: Equivalents,
    /// The Terraform resource types the rule inspects: the duties the hover and code lens count for them.
    pub resource_types: &'static [&'static str],
    pub terraform: Option<TerraformCheck>,
    pub cloudformation: Option<CfnMatcher>,
    /// Whether the matchers offer a quick-fix.
    pub has_fix: bool,
}

impl Rule {
    pub fn formats(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.terraform.is_some() {
            out.push("terraform");
        }
        if self.cloudformation.is_some() {
            out.push("cloudformation");
        }
        out
    }

    /// The rule's documentation page, relative to the repository.
    pub fn doc_path(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }

    /// The documentation in Markdown: the source of `onus explain` and `docs/rules/<id>.md`.
    pub fn markdown(&self) -> String {
        let eq = |ids: &[&str]| if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
        format!(
            "# {id}: {title}\n\n\
             | severity | responsibility row | service | formats | quick-fix |\n\
             |---|---|---|---|---|\n\
             | {sev} | `{row}` ({duty}) | {service} | {formats} | {fix} |\n\n\
             ## What it does\n{what}\n\n\
             ## Why is this bad?\n{why}\n\n\
             ## Whose duty is it?\n{aws}\n\n\
             ## How to fix it\n{fixtext}\n\n\
             ## Example\n```hcl\n{example}\n```\n\nUse instead:\n```hcl\n{fixed}\n```\n\n{cfn}\
             ## Equivalents in other tools\n- Checkov: {checkov}\n- KICS: {kics}\n- Trivy/tfsec: {trivy}\n\n\
             ## Suppressing it\n`# onus:ignore:{id} <reason>` on the line above the resource or attribute; in \
             CloudFormation, `Metadata: {{onus: {{ignore: [{id}]}}}}` on the resource.\n",
            id = self.id,
            title = self.title,
            sev = self.severity.name(),
            row = self.row.slug(),
            duty = self.row.duty(),
            service = self.service,
            formats = self.formats().join(", "),
            fix = if self.has_fix { "yes" } else { "no" },
            what = self.what,
            why = self.why,
            aws = self.aws_side,
            fixtext = self.fix,
            example = self.example.trim_end(),
            fixed = self.fixed_example.trim_end(),
            cfn = match &self.cloudformation {
                Some(m) => format!(
                    "In CloudFormation:\n```yaml\n{}\n```\n\nUse instead:\n```yaml\n{}\n```\n\n",
                    m.example.trim_end(),
                    m.fixed_example.trim_end()
                ),
                None => String::new(),
            },
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
pub struct Rules(&'static [&'static Rule]);

impl Rules {
    pub const fn new(rules: &'static [&'static Rule]) -> Rules {
        Rules(rules)
    }

    /// Every rule, in catalog order.
    pub fn all(self) -> &'static [&'static Rule] {
        self.0
    }

    pub fn by_id(self, id: &str) -> Option<&'static Rule> {
        self.0.iter().copied().find(|r| r.id == id)
    }
}
