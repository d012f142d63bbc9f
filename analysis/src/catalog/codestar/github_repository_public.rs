use crate::kit::declared::{Cfn, Setting, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "codestar-github-repository-public",
    title: "CodeStar GitHub repository is not created private",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "CodeStar",
    why: "The stack creates the repository on GitHub and commits the template's source bundle to it. A public \
          repository shows that code, its history and whatever configuration was committed with it (endpoints, \
          account ids, at times credentials) to anyone on the internet, and it stays public until someone changes \
          it on GitHub.",
    aws_side: "CloudFormation creates the repository with the visibility the template asks for, through the \
               personal access token it is given; GitHub creates a repository public unless it is asked for a \
               private one. Choosing who may see the code is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["5906092d-5f74-490d-9a03-78febe0f65e1"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: None,
        cloudformation: Some(Cfn {
            types: &["AWS::CodeStar::GitHubRepository"],
            path: "IsPrivate",
            example: r#"Resources:
  Repo:
    Type: AWS::CodeStar::GitHubRepository
    Properties:
      RepositoryName: service
      RepositoryOwner: example-org
      IsPrivate: false
"#,
            fixed: r#"Resources:
  Repo:
    Type: AWS::CodeStar::GitHubRepository
    Properties:
      RepositoryName: service
      RepositoryOwner: example-org
      IsPrivate: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("GitHub creates the repository public, readable by anyone"),
        insecure: "the repository is public, readable by anyone",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes};

    #[test]
    fn flags_repositories_not_declared_private() {
        let yaml = "Parameters:\n  Private: {Type: String}\nResources:\n  Absent:\n    Type: AWS::CodeStar::GitHubRepository\n    Properties:\n      RepositoryName: a\n      RepositoryOwner: o\n  Public:\n    Type: AWS::CodeStar::GitHubRepository\n    Properties:\n      RepositoryName: b\n      RepositoryOwner: o\n      IsPrivate: false\n  Private:\n    Type: AWS::CodeStar::GitHubRepository\n    Properties:\n      RepositoryName: c\n      RepositoryOwner: o\n      IsPrivate: true\n  Unknown:\n    Type: AWS::CodeStar::GitHubRepository\n    Properties:\n      RepositoryName: d\n      RepositoryOwner: o\n      IsPrivate: !Ref Private\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }

    #[test]
    fn cloudformation_json_repositories() {
        let json = r#"{
  "Resources": {
    "Public": {"Type": "AWS::CodeStar::GitHubRepository", "Properties": {"RepositoryName": "a", "RepositoryOwner": "o", "IsPrivate": "false"}},
    "Private": {"Type": "AWS::CodeStar::GitHubRepository", "Properties": {"RepositoryName": "b", "RepositoryOwner": "o", "IsPrivate": "true"}},
    "Absent": {"Type": "AWS::CodeStar::GitHubRepository", "Properties": {"RepositoryName": "c", "RepositoryOwner": "o"}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [3, 5]);
        assert_eq!(check_cfn_fixes(&RULE, json), 2);
    }
}
