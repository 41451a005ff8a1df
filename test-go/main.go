// The single-account example (examples/single-account/app.ts) in Go, on the Go module that
// jsii-pacmak generates into dist/go. scripts/test-all.sh runs it with CDK_OUTDIR set, as the CDK CLI
// runs an app, and checks that its template is byte-identical to the TypeScript app's.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-iam-change-alerts/cdk-iam-change-alerts-go/cdkiamchangealerts"
)

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("IamChangeAlerts"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("us-east-1")},
	})

	// The defaults: a hardened CloudTrail trail, an EventBridge rule for IAM changes, an SNS topic
	// encrypted with its own key, a dead-letter queue and alarms on failed deliveries, and the
	// pipeline's own health checks (heartbeat and tamper alerts to a second topic).
	cdkiamchangealerts.NewIamChangeAlerting(stack, jsii.String("IamAlerts"), &cdkiamchangealerts.IamChangeAlertingProps{
		Emails: jsii.Strings("security@example.com"),
	})

	app.Synth(nil)
}
