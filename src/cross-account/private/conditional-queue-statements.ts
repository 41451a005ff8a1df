import { Aws, CfnCondition, Fn, Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Statements of a queue policy that exist only where a CloudFormation condition is true.
 *
 * A statement that names a conditional resource (a forwarding rule that exists only in some
 * regions) must be conditional too: where the resource is not created, a `Fn::GetAtt` to it fails
 * the whole stack. aws-cdk-lib's `PolicyDocument` has no conditional statements, so these are
 * appended to the rendered document as `Fn::If [condition, statement, AWS::NoValue]`, which
 * CloudFormation drops from the list where the condition is false.
 */

interface ConditionalStatement {
  readonly condition: CfnCondition;
  readonly statement: iam.PolicyStatement;
}

const statementsOfPolicy = new WeakMap<sqs.CfnQueuePolicy, ConditionalStatement[]>();

/** Adds `statement` to the queue's policy where `condition` is true. The queue must already have a policy. */
export function addConditionalQueueStatement(queue: sqs.Queue, condition: CfnCondition, statement: iam.PolicyStatement): void {
  // The queue keeps its policy private; it is the QueuePolicy child that addToResourcePolicy made.
  const policy = queue.node.children.find((child): child is sqs.QueuePolicy => child instanceof sqs.QueuePolicy);
  if (policy === undefined) {
    // AlertDeadLetterQueue always has one (its TLS-only statement); a bare queue is a programming error here.
    throw new Error(`${queue.node.path} has no queue policy to add a conditional statement to.`);
  }
  const cfnPolicy = policy.node.defaultChild as sqs.CfnQueuePolicy;
  let conditional = statementsOfPolicy.get(cfnPolicy);
  if (conditional === undefined) {
    const statements: ConditionalStatement[] = [];
    conditional = statements;
    statementsOfPolicy.set(cfnPolicy, statements);
    cfnPolicy.addPropertyOverride('PolicyDocument.Statement', Lazy.any({
      produce: () => [
        ...(policy.document.toJSON()?.Statement ?? []),
        ...statements.map(s => Fn.conditionIf(s.condition.logicalId, s.statement.toStatementJson(), Aws.NO_VALUE)),
      ],
    }));
  }
  conditional.push({ condition, statement });
}
