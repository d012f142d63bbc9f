use crate::cloudformation::check::CfnContext;
use crate::kit::references::tf_mentions_type;
use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sqs-policy-wildcard-actions",
    title: "SQS queue policy grants all actions, or queue-management actions to anyone",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "SQS",
    why: "`sqs:*` lets the grantee purge, delete or re-permission the queue; management actions granted to anyone \
          let strangers change who can read your messages.",
    aws_side: "SQS enforces the queue policy the customer writes.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["816ea8cf-d589-442d-a917-2dd0ce0e45e3", "9b6a3f5b-5fd6-40ee-9bc0-ed604911212d"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_72"],
        kics: &[],
        trivy: &["AVD-AWS-0097", "aws-sqs-no-wildcards-in-policy-documents"],
        how: "CKV_AWS_72 reads the first statement only and flags `*` but not `sqs:*`; neither it nor Trivy's check \
              looks at management actions granted to any principal.",
    },
    matcher: &Custom {
        what: "Flags SQS queue policies (`aws_sqs_queue_policy`, `aws_sqs_queue` `policy`, and a module call's \
               `policy` that is an SQS policy; in CloudFormation `AWS::SQS::QueuePolicy`) with an `Allow` statement \
               whose actions include `*` or `sqs:*`, or that grants a wildcard principal, without a condition, \
               one of `AddPermission`, `RemovePermission`, `CreateQueue`, `DeleteQueue`, `TagQueue`, `UntagQueue`, \
               `SetQueueAttributes`.",
        fix: "Grant the actions the principal needs (`sqs:SendMessage`, `sqs:ReceiveMessage`), and management \
              actions only to your own administrators.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sqs_queue_policy", "aws_sqs_queue"],
            check,
            example: r#"resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.orders.arn
    }]
  })
}"#,
            fixed_example: r#"resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.orders.arn
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SQS::QueuePolicy"],
            check: check_cfn,
            example: r#"Resources:
  OrdersPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Orders]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: '*'}
            Action: [sqs:SendMessage, sqs:SetQueueAttributes]
            Resource: !GetAtt Orders.Arn
"#,
            fixed_example: r#"Resources:
  OrdersPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Orders]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: '111122223333'}
            Action: [sqs:SendMessage]
            Resource: !GetAtt Orders.Arn
"#,
        }),
    },
};

const MANAGEMENT: [&str; 7] =
    ["addpermission", "removepermission", "createqueue", "deletequeue", "tagqueue", "untagqueue", "setqueueattributes"];

/// A principal that is anyone: `*`, or an ARN pattern ending in a wildcard (`arn:aws:iam::111122223333:*`).
fn wildcard_principal(s: &Statement) -> bool {
    s.principals.iter().any(|(ty, id)| {
        (ty == "*" || ty.eq_ignore_ascii_case("AWS"))
            && (id == "*"
                || id.strip_suffix('*').is_some_and(|p| {
                    p.ends_with(':') && p.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':')
                }))
    })
}

/// What is wrong with a queue policy, in words (`None`: nothing).
fn problem(policy: &Policy) -> Option<String> {
    for s in policy.statements.iter().filter(|s| s.allow) {
        if let Some(a) = s.actions.iter().find(|a| *a == "*" || a.eq_ignore_ascii_case("sqs:*")) {
            return Some(format!("allows every action (`{a}`)"));
        }
        if wildcard_principal(s) && s.conditions.is_empty() {
            let management = s.actions.iter().find(|a| {
                let a = a.to_ascii_lowercase();
                a.strip_prefix("sqs:").is_some_and(|name| MANAGEMENT.contains(&name))
            });
            if let Some(a) = management {
                return Some(format!("lets any principal manage the queue (`{a}`)"));
            }
        }
    }
    None
}

/// Whether a policy is about SQS: an action of the service, or a queue ARN.
fn about_sqs(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| {
        s.actions.iter().any(|a| a.to_ascii_lowercase().starts_with("sqs:"))
            || s.resources.iter().any(|r| r.starts_with("arn:aws:sqs:"))
    })
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_sqs_queue_policy", "aws_sqs_queue"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("policy") else { continue };
            let Some(policy) = ctx.policy(&attr.expr) else { continue };
            if let Some(problem) = problem(&policy) {
                ctx.report(res, attr.range, format!("`{}` has a queue policy that {problem}", res.address()));
            }
        }
    }
    // A module's `policy` that is a queue policy (it names a queue, or SQS actions).
    for res in ctx.blocks("module").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("policy") else { continue };
        let Some(policy) = ctx.policy(&attr.expr) else { continue };
        if !(tf_mentions_type(&attr.expr, "aws_sqs_queue") || about_sqs(&policy)) {
            continue;
        }
        if let Some(problem) = problem(&policy) {
            ctx.report(res, attr.range, format!("`{}` passes an SQS queue policy that {problem}", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SQS::QueuePolicy").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "PolicyDocument") else { continue };
        let Some(policy) = ctx.policy(node) else { continue };
        if let Some(problem) = problem(&policy) {
            let range = ctx.prop_range(res, "PolicyDocument").unwrap_or(node.range);
            ctx.report(res, range, format!("`{}` has a queue policy that {problem}", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn wildcard_and_management_actions() {
        let tf = r#"resource "aws_sqs_queue_policy" "all" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*", Condition = { ArnEquals = { "aws:SourceArn" = "arn" } } }] })
}
resource "aws_sqs_queue_policy" "send" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*" }] })
}
module "bucket" {
  source = "terraform-aws-modules/s3-bucket/aws"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = aws_sqs_queue.q.arn }] })
}
module "other" {
  source = "terraform-aws-modules/s3-bucket/aws"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "arn:aws:s3:::b/*" }] })
}
resource "aws_sqs_queue" "q" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "sqs:*", Resource = "*" }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 9]);
        let yaml = "Resources:\n  A:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: ['111122223333', 'arn:aws:iam::437628376:*']}\n            Action: [SQS:SendMessage, SQS:AddPermission]\n  B:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: '111122223333'}\n            Action: SQS:CreateQueue\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
