//! The rule catalog. One rule = one file under `rules/<service>/`, holding a [`Rule`]: its id, title,
//! responsibility row, severity, why it matters, what AWS does and does not do, the fix, the equivalent checks
//! of the peer tools, and its matchers (one per format). Documentation (`onus explain`, `docs/rules/*.md`)
//! is generated from this metadata alone.

use serde::Serialize;

use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::terraform::check::TfContext;

mod cloudfront;
mod cloudtrail;
mod config;
mod credentials;
mod dynamodb;
mod ec2;
mod ecr;
mod efs;
mod eks;
mod elasticache;
mod elb;
mod guardduty;
mod iam;
mod kms;
mod lambda;
pub mod network;
mod opensearch;
mod rds;
mod redshift;
mod s3;
mod secretsmanager;
mod sns;
mod sqs;
#[cfg(test)]
pub mod testing;

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

/// Every rule, in catalog order (by service, then as each service lists them).
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        [
            cloudfront::RULES,
            cloudtrail::RULES,
            config::RULES,
            credentials::RULES,
            dynamodb::RULES,
            ec2::RULES,
            ecr::RULES,
            efs::RULES,
            eks::RULES,
            elasticache::RULES,
            elb::RULES,
            guardduty::RULES,
            iam::RULES,
            kms::RULES,
            lambda::RULES,
            opensearch::RULES,
            rds::RULES,
            redshift::RULES,
            s3::RULES,
            secretsmanager::RULES,
            sns::RULES,
            sqs::RULES,
        ]
        .concat()
    })
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_well_formed() {
        let mut ids = std::collections::HashSet::new();
        for rule in all() {
            assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", rule.id);
            assert!(rule.row.party() == crate::responsibility::Party::Customer, "{} flags an AWS row", rule.id);
            assert!(!rule.why.is_empty() && !rule.what.is_empty() && !rule.fix.is_empty() && !rule.aws_side.is_empty());
            assert!(!rule.formats().is_empty(), "{} has no matcher", rule.id);
            for kics in rule.equivalents.kics {
                assert_eq!(kics.len(), 36, "{}: KICS ids are UUIDs", rule.id);
            }
            assert!(!rule.resource_types.is_empty(), "{}: which resource types does it inspect?", rule.id);
        }
    }

    /// The documented examples are real: the insecure one is flagged and its fixes work; the fixed one is not.
    #[test]
    fn every_rule_example_is_flagged_and_its_fixed_form_is_not() {
        for rule in all() {
            if rule.terraform.is_none() {
                continue;
            }
            let found = testing::run(rule, rule.example);
            assert!(!found.is_empty(), "{}: its example raises nothing", rule.id);
            let fixed = testing::run(rule, rule.fixed_example);
            assert!(fixed.is_empty(), "{}: its fixed example still raises {:?}", rule.id, fixed);
            let fixes = testing::check_fixes(rule, rule.example);
            assert_eq!(
                fixes > 0,
                rule.has_fix,
                "{}: has_fix is {} but the example has {fixes} fixes",
                rule.id,
                rule.has_fix
            );
        }
    }
}
