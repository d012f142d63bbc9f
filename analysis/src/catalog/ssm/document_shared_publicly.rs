use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::ExprKind;
use crate::terraform::view::key_name;

pub static RULE: Rule = Rule {
    id: "ssm-document-shared-publicly",
    title: "SSM document is shared with all AWS accounts",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "SSM",
    why: "A public SSM document exposes its scripts, parameter names, internal host names and sometimes secrets to \
          every AWS account, and anyone can run it on their own instances as a trusted-looking document.",
    aws_side: "SSM shares documents only when asked (and offers an account-level block of public sharing); the \
               sharing is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_303"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_ssm_document` resources whose `permissions` share the document (`type = \"Share\"`) with \
               `account_ids = \"All\"`.",
        fix: "List the account ids that need the document in `account_ids`, or remove `permissions`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ssm_document"],
            check,
            example: r#"resource "aws_ssm_document" "bootstrap" {
  name          = "bootstrap"
  document_type = "Command"
  content       = file("bootstrap.json")
  permissions = {
    type        = "Share"
    account_ids = "All"
  }
}"#,
            fixed_example: r#"resource "aws_ssm_document" "bootstrap" {
  name          = "bootstrap"
  document_type = "Command"
  content       = file("bootstrap.json")
  permissions = {
    type        = "Share"
    account_ids = "111122223333,444455556666"
  }
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ssm_document").collect::<Vec<_>>() {
        let Some((attr, permissions)) = ctx.attr(res.block, "permissions") else { continue };
        let share = permissions.get("type").as_str().is_some_and(|t| t.eq_ignore_ascii_case("Share"));
        let all = permissions
            .get("account_ids")
            .one_or_many()
            .into_iter()
            .any(|v| v.as_str().is_some_and(|ids| ids.split(',').any(|id| id.trim().eq_ignore_ascii_case("All"))));
        if share && all {
            let message = format!("`{}` is shared with every AWS account (`account_ids = \"All\"`)", res.address());
            // `account_ids` inside the `permissions = { ... }` object.
            let ids = match &attr.expr.kind {
                ExprKind::Object(elems) => {
                    elems.iter().find(|(k, _)| key_name(k) == Some("account_ids")).map(|(_, v)| v)
                }
                _ => None,
            };
            let fix = ids.map(|v| {
                Fix::unsafe_(
                    "Share with named accounts (ids to replace)",
                    vec![Edit { range: v.range, text: "\"<account-id>\"".into() }],
                )
            });
            ctx.report(res, attr.range, message).fixes.extend(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_documents_shared_with_all() {
        let tf = r#"resource "aws_ssm_document" "public" {
  permissions = {
    type        = "Share"
    account_ids = "All"
  }
}
resource "aws_ssm_document" "partners" {
  permissions = {
    type        = "Share"
    account_ids = "111122223333"
  }
}
resource "aws_ssm_document" "private" {
  name = "p"
}
resource "aws_ssm_document" "unknown" {
  permissions = var.permissions
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
