package kubernetes

import (
	"errors"
	"fmt"

	k8sjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// decodeStrict decodes a YAML document the way the Kubernetes API server
// does in strict mode: field names are case-sensitive, and unknown or
// duplicate fields are errors. (encoding/json alone would take
// "readOnlyRootFileSystem" for "readOnlyRootFilesystem".)
func decodeStrict(doc []byte, v any) error {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	strict, err := k8sjson.UnmarshalStrict(j, v, k8sjson.DisallowUnknownFields, k8sjson.DisallowDuplicateFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}
