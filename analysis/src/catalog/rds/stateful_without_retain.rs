use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity};
use serde_json::json;

/// Resources that hold data, and whether CloudFormation can snapshot them on deletion.
const STATEFUL: &[(&str, bool)] = &[
    ("AWS::S3::Bucket", false),
    ("AWS::DynamoDB::Table", false),
    ("AWS::DynamoDB::GlobalTable", false),
    ("AWS::Serverless::SimpleTable", false),
    ("AWS::EFS::FileSystem", false),
    ("AWS::FSx::FileSystem", false),
    ("AWS::RDS::DBInstance", true),
    ("AWS::RDS::DBCluster", true),
    ("AWS::DocDB::DBCluster", true),
    ("AWS::Neptune::DBCluster", true),
    ("AWS::Redshift::Cluster", true),
    ("AWS::EC2::Volume", true),
    ("AWS::ElastiCache::ReplicationGroup", true),
    ("AWS::OpenSearchService::Domain", false),
    ("AWS::Elasticsearch::Domain", false),
    ("AWS::KMS::Key", false),
    ("AWS::Cognito::UserPool", false),
];

const TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::Serverless::SimpleTable",
    "AWS::EFS::FileSystem",
    "AWS::FSx::FileSystem",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    "AWS::Redshift::Cluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::KMS::Key",
    "AWS::Cognito::UserPool",
];

pub static RULE: Rule = Rule {
    id: "cfn-stateful-resource-without-retain",
    title: "Stateful CloudFormation resource is deleted with its stack",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "CloudFormation",
    why: "Without a `DeletionPolicy`, CloudFormation deletes the resource, and its data, when the resource is \
          removed from the template, when the logical id is renamed, or when the stack is deleted: one edit or \
          one `aws cloudformation delete-stack` destroys a database, a table, or the key that decrypts them, \
          with no way back.",
    aws_side: "CloudFormation does what the template says: it deletes resources that leave the stack unless their \
               `DeletionPolicy` says `Retain` (or `Snapshot` where the service supports it), and snapshots only \
               RDS instances and clusters by default. Deciding what must outlive the stack is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what:
            "Flags CloudFormation resources that hold data (S3 buckets, DynamoDB tables including SAM simple tables, \
             EFS and FSx file systems, RDS, DocumentDB and Neptune databases, Redshift clusters, EBS volumes, \
             ElastiCache replication groups, OpenSearch domains, KMS keys, Cognito user pools) whose \
             `DeletionPolicy` is left out or `Delete`. RDS instances outside a cluster and RDS clusters default to \
             `Snapshot`, so only an explicit `Delete` is flagged for them. The same check as cfn-lint's I3011.",
        fix: "Add `DeletionPolicy: Retain` (and `UpdateReplacePolicy: Retain`) to the resource, or `Snapshot` for \
              databases, clusters and volumes that support it. In Terraform the equivalent is \
              `lifecycle { prevent_destroy = true }`.",
        has_fix: true,
        terraform: None,
        cloudformation: Some(CfnMatcher {
            resource_types: TYPES,
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
"#,
        }),
    },
};

/// Whether CloudFormation snapshots the resource by default when it leaves the stack.
fn snapshots_by_default(res: CfnResource) -> bool {
    match res.ty {
        "AWS::RDS::DBCluster" => true,
        "AWS::RDS::DBInstance" => res.properties.and_then(|p| p.get("DBClusterIdentifier")).is_none(),
        _ => false,
    }
}

fn fixes(ctx: &CfnContext, res: CfnResource, snapshot: bool) -> Vec<Fix> {
    let edit = |value: &str| match res.get("DeletionPolicy") {
        Some(node) => cfn_edit::replace_value(ctx.template, node, &json!(value)),
        None => cfn_edit::set_resource_attribute(ctx.template, res, "DeletionPolicy", &json!(value)),
    };
    let mut out = vec![Fix::new("Retain the resource when it leaves the stack", vec![edit("Retain")])];
    if snapshot {
        out.push(Fix::unsafe_("Snapshot the resource when it leaves the stack", vec![edit("Snapshot")]));
    }
    out
}

fn check_cfn(ctx: &mut CfnContext) {
    for &(ty, snapshot) in STATEFUL {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            // An Aurora member's data lives in its cluster.
            if ty == "AWS::RDS::DBInstance" && res.properties.and_then(|p| p.get("DBClusterIdentifier")).is_some() {
                continue;
            }
            let range = match res.get("DeletionPolicy") {
                None if snapshots_by_default(res) => continue,
                None => ctx.header(res),
                Some(node) if ctx.eval(node).as_str() == Some("Delete") => {
                    res.body().entry("DeletionPolicy").map(|e| e.range).unwrap_or(node.range)
                }
                Some(_) => continue,
            };
            let message = if res.get("DeletionPolicy").is_some() {
                format!(
                    "`{}` has `DeletionPolicy: Delete`: its data is destroyed when it leaves the stack",
                    res.logical_id
                )
            } else {
                format!(
                    "`{}` ({ty}) has no `DeletionPolicy`: CloudFormation deletes it, and its data, when it leaves the \
                     stack",
                    res.logical_id
                )
            };
            let fixes = fixes(ctx, res, snapshot);
            ctx.report(res, range, message).fixes.extend(fixes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes};

    #[test]
    fn flags_stateful_resources_without_retain() {
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n  C:\n    Type: AWS::RDS::DBCluster\n    DeletionPolicy: Delete\n  D:\n    Type: AWS::DynamoDB::Table\n    DeletionPolicy: Retain\n  E:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {}\n  F:\n    Type: AWS::EFS::FileSystem\n    DeletionPolicy: !If [Prod, Retain, Delete]\n  G:\n    Type: AWS::SQS::Queue\n  H:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBClusterIdentifier: !Ref C\nConditions:\n  Prod: !Equals [!Ref Env, prod]\nParameters:\n  Env:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 14, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 4);
        let json = r#"{"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }

    #[test]
    fn the_example_is_flagged_and_fixed() {
        let m = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &m.0).len(), 1);
        assert_eq!(check_cfn_fixes(&RULE, &m.0), 1);
        assert!(cfn_lines(&RULE, &m.1).is_empty());
    }
}
