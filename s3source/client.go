package s3source

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ClientConfig says how to reach the bucket.
type ClientConfig struct {
	Region         string // empty: the SDK's (AWS_REGION, the shared config)
	Endpoint       string // an S3-compatible server's URL; empty: AWS
	ForcePathStyle bool   // bucket in the path, not the host name
	// HTTPClient makes the requests; nil: the SDK's.
	HTTPClient aws.HTTPClient
	// RetryMaxAttempts bounds the SDK's own attempts per request (it
	// retries 5xx, throttling and connection errors); 0: its default, 3.
	RetryMaxAttempts int
}

// NewClient makes an S3 client with the SDK's standard credential chain
// (environment, shared config and credentials files, web identity/IRSA,
// ECS, EC2 instance metadata). It makes no request: credentials are
// fetched at the first one.
func NewClient(ctx context.Context, cc ClientConfig) (*s3.Client, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if cc.Region != "" {
		opts = append(opts, awsconfig.WithRegion(cc.Region))
	}
	if cc.RetryMaxAttempts > 0 {
		opts = append(opts, awsconfig.WithRetryMaxAttempts(cc.RetryMaxAttempts))
	}
	if cc.HTTPClient != nil {
		opts = append(opts, awsconfig.WithHTTPClient(cc.HTTPClient))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		return nil, errors.New("no AWS region: set region in the s3 block, or AWS_REGION")
	}
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cc.Endpoint != "" {
			o.BaseEndpoint = aws.String(cc.Endpoint)
		}
		o.UsePathStyle = cc.ForcePathStyle
		o.DisableLogOutputChecksumValidationSkipped = true // S3-compatible servers send none; not worth a line per object
	}), nil
}
