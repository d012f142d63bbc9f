use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "route53-domain-transfer-lock-disabled",
    title: "Route 53 registered domain can be transferred away (transfer lock off)",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "Route 53 Domains",
    why: "An unlocked domain can be transferred to another registrar with a stolen authorization code, taking over \
          web, mail and certificate issuance for it.",
    aws_side: "Route 53 Domains enforces the lock at the registry; keeping it on is the customer's. (CloudFormation \
               has no resource for registered domains.)",
    equivalents: Equivalents { checkov: &["CKV_AWS_377"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_route53domains_registered_domain", "aws_route53domains_domain"],
            path: "transfer_lock",
            example: r#"resource "aws_route53domains_registered_domain" "example" {
  domain_name   = "example.com"
  transfer_lock = false
}"#,
            fixed: r#"resource "aws_route53domains_registered_domain" "example" {
  domain_name   = "example.com"
  transfer_lock = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Bool(true),
        absent: None,
        insecure: "it can be transferred to another registrar with a stolen authorization code",
        fix_title: "Lock the domain against transfers",
        ..Setting::DEFAULT
    },
};
