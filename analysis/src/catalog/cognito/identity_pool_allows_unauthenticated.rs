use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cognito-identity-pool-allows-unauthenticated",
    title: "Cognito identity pool grants AWS credentials to unauthenticated guests",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "Cognito",
    why: "Any visitor can obtain temporary AWS credentials for the pool's unauthenticated role: whatever that role \
          allows is public. Some public applications need it, with a tightly scoped guest role: suppress it there.",
    aws_side: "Cognito issues guest credentials only when enabled; the setting and the guest role's permissions are \
               the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_366"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cognito_identity_pool"],
            path: "allow_unauthenticated_identities",
            example: r#"resource "aws_cognito_identity_pool" "app" {
  identity_pool_name               = "app"
  allow_unauthenticated_identities = true
}"#,
            fixed: r#"resource "aws_cognito_identity_pool" "app" {
  identity_pool_name               = "app"
  allow_unauthenticated_identities = false
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Cognito::IdentityPool"],
            path: "AllowUnauthenticatedIdentities",
            example: r#"Resources:
  App:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: true
"#,
            fixed: r#"Resources:
  App:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: false
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(false),
        absent: None,
        insecure: "any visitor gets AWS credentials for the pool's unauthenticated role",
        fix_title: "Refuse unauthenticated identities",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_guest_access_only() {
        let tf = r#"resource "aws_cognito_identity_pool" "guests" {
  allow_unauthenticated_identities = "true"
}
resource "aws_cognito_identity_pool" "default" {
  identity_pool_name = "d"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  A:\n    Type: AWS::Cognito::IdentityPool\n    Properties:\n      AllowUnauthenticatedIdentities: false\n";
        assert!(cfn_lines(&RULE, yaml).is_empty());
    }
}
