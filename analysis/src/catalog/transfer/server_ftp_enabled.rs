use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::ExprKind;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "transfer-server-ftp-enabled",
    title: "Transfer Family server accepts plain FTP",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "AWS Transfer",
    why: "FTP sends user names, passwords and file contents in clear text; anyone on the path can capture the \
          credentials and the data.",
    aws_side: "AWS supports SFTP and FTPS. Choosing an encrypted protocol is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_357"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Transfer Family servers (`aws_transfer_server`, `AWS::Transfer::Server`) whose `protocols` \
               (`Protocols`) include `FTP`.",
        fix: "Replace `FTP` by `FTPS` (with a certificate) or `SFTP`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_transfer_server"],
            check,
            example: r#"resource "aws_transfer_server" "files" {
  endpoint_type = "VPC"
  protocols     = ["FTP", "SFTP"]
}"#,
            fixed_example: r#"resource "aws_transfer_server" "files" {
  endpoint_type = "VPC"
  protocols     = ["FTPS", "SFTP"]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Transfer::Server"],
            check: check_cfn,
            example: r#"Resources:
  Files:
    Type: AWS::Transfer::Server
    Properties:
      EndpointType: VPC
      Protocols: [FTP, SFTP]
"#,
            fixed_example: r#"Resources:
  Files:
    Type: AWS::Transfer::Server
    Properties:
      EndpointType: VPC
      Protocols: [FTPS, SFTP]
"#,
        }),
    },
};

const FIX: &str = "Use FTPS instead of FTP (it needs a certificate)";
const WHY: &str = "accepts plain FTP: credentials and files cross the network in clear text";

fn is_ftp(s: &str) -> bool {
    s.eq_ignore_ascii_case("FTP")
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_transfer_server").collect::<Vec<_>>() {
        let Some((attr, v)) = ctx.attr(res.block, "protocols") else { continue };
        if !v.one_or_many().iter().any(|p| p.as_str().is_some_and(is_ftp)) {
            continue;
        }
        let item = match &attr.expr.kind {
            ExprKind::Tuple(items) => items.iter().find(|i| i.as_literal_str().is_some_and(is_ftp)),
            _ => None,
        };
        let message = format!("`{}` {WHY}", res.address());
        let finding = ctx.report(res, attr.range, message);
        if let Some(i) = item {
            finding.fixes.push(Fix::unsafe_(FIX, vec![Edit { range: i.range, text: "\"FTPS\"".into() }]));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Transfer::Server").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "Protocols") else { continue };
        let Some(item) = node.items().iter().find(|i| ctx.eval(i).as_str().is_some_and(is_ftp)) else { continue };
        let message = format!("`{}` {WHY}", res.logical_id);
        let range = ctx.prop_range(res, "Protocols").unwrap_or(node.range);
        let fix = item
            .intrinsic()
            .is_none()
            .then(|| Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, item, &json!("FTPS"))]));
        ctx.report(res, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_plain_ftp() {
        let tf = "resource \"aws_transfer_server\" \"a\" {\n  protocols = [\"SFTP\", \"FTP\"]\n}\nresource \"aws_transfer_server\" \"b\" {\n  protocols = [\"FTPS\"]\n}\nresource \"aws_transfer_server\" \"c\" {\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Transfer::Server\n    Properties:\n      Protocols:\n        - FTP\n  B:\n    Type: AWS::Transfer::Server\n    Properties:\n      Protocols: [SFTP]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
