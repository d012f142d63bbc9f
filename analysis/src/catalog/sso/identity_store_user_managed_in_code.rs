use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sso-identity-store-user-managed-in-code",
    title: "IAM Identity Center user is created in the identity store instead of coming from the identity provider",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM Identity Center",
    why: "Users created directly in the identity store are not kept in step with the corporate identity provider or \
          directory: leavers keep access, and the provider's MFA and conditional-access policies do not apply to \
          them.",
    aws_side: "AWS stores the identities you create; deciding that the identity provider is the source of truth \
               (and provisioning users from it with SCIM) is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["4003118b-046b-4640-b200-b8c7a4c8b89f"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_identitystore_user` resources: users written in code rather than provisioned from the \
               identity provider.",
        fix: "Connect IAM Identity Center to your identity provider or directory and provision users with SCIM; \
              keep users in code for a documented break-glass account at most (and suppress the finding there).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_identitystore_user"],
            check,
            example: r#"resource "aws_identitystore_user" "alice" {
  identity_store_id = local.identity_store_id
  display_name      = "Alice"
  user_name         = "alice"
  name {
    given_name  = "Alice"
    family_name = "Doe"
  }
}"#,
            fixed_example: r#"data "aws_identitystore_user" "alice" {
  identity_store_id = local.identity_store_id
  alternate_identifier {
    unique_attribute {
      attribute_path  = "UserName"
      attribute_value = "alice"
    }
  }
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_identitystore_user").collect::<Vec<_>>() {
        let message = format!(
            "`{}` creates an identity-store user in code: provision users from the identity provider instead",
            res.address()
        );
        ctx.report(res, res.block.header, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_identity_store_users() {
        let tf = r#"resource "aws_identitystore_user" "example" {
  identity_store_id = "d-1234"
  display_name      = "John Doe"
  user_name         = "johndoe"
}
data "aws_identitystore_user" "looked_up" {
  identity_store_id = "d-1234"
}
resource "aws_ssoadmin_permission_set_inline_policy" "p" {
  inline_policy = "{}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
    }
}
