use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "organizations-all-features-disabled",
    title: "AWS Organization runs in consolidated-billing mode (no service control policies)",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "Organizations",
    why: "Without all features the organization cannot apply service control policies, so member accounts have no \
          guardrails (deny leaving the organization, disabling CloudTrail, using unapproved regions) beyond their \
          own IAM.",
    aws_side: "Organizations enforces SCPs only with all features enabled; choosing that mode, and writing the \
               SCPs, is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["5ba6229c-8057-433e-91d0-21cf13569ca9"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_organizations_organization"],
            path: "feature_set",
            example: r#"resource "aws_organizations_organization" "org" {
  feature_set = "CONSOLIDATED_BILLING"
}"#,
            fixed: r#"resource "aws_organizations_organization" "org" {
  feature_set = "ALL"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Organizations::Organization"],
            path: "FeatureSet",
            example: r#"Resources:
  Org:
    Type: AWS::Organizations::Organization
    Properties:
      FeatureSet: CONSOLIDATED_BILLING
"#,
            fixed: r#"Resources:
  Org:
    Type: AWS::Organizations::Organization
    Properties:
      FeatureSet: ALL
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["CONSOLIDATED_BILLING"], fix: "ALL" },
        absent: None,
        insecure: "the organization cannot apply service control policies to its accounts",
        fix_title: "Enable all features",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_consolidated_billing_only() {
        let tf = r#"resource "aws_organizations_organization" "billing" {
  aws_service_access_principals = ["cloudtrail.amazonaws.com"]
  feature_set                   = "CONSOLIDATED_BILLING"
}
resource "aws_organizations_organization" "default" {
  aws_service_access_principals = ["cloudtrail.amazonaws.com"]
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
    }
}
