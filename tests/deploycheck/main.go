// deploycheck loads newsmon's deployment files with the reference loaders of their ecosystems and
// prints what they mean as JSON, for the Python tests (tests/deploy/) to check against the code:
//
//	deploycheck kustomize DIR        render DIR with kustomize (krusty, as `kubectl kustomize`) and
//	                                 decode every object strictly into the Kubernetes API types
//	deploycheck compose FILE...      load the Compose files with compose-go (the Compose
//	                                 Specification's loader, as `docker compose config`)
//	deploycheck dockerfile FILE      parse a Dockerfile with BuildKit's own parser: its stages
//	                                 and their instructions (RUN, ENV, USER, VOLUME, HEALTHCHECK...)
//
// Any unknown field, wrong type, or object no API group knows is an error (exit 1).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type object struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Name       string          `json:"name"`
	Namespace  string          `json:"namespace"`
	Object     json.RawMessage `json:"object"`
}

// The API groups newsmon's manifests use (only these, so the check builds quickly); an object of
// any other kind is reported as unknown.
func apiScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme,
		batchv1.AddToScheme, autoscalingv2.AddToScheme, policyv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return scheme, nil
}

func kustomize(dir string) ([]object, error) {
	scheme, err := apiScheme()
	if err != nil {
		return nil, err
	}
	kustomizer := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := kustomizer.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize %s: %w", dir, err)
	}
	strict := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})
	var out []object
	for _, resource := range resources.Resources() {
		text, err := resource.AsYAML()
		if err != nil {
			return nil, err
		}
		decoded, gvk, err := strict.Decode(text, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", resource.GetKind(), resource.GetName(), err)
		}
		typed, err := json.Marshal(decoded)
		if err != nil {
			return nil, err
		}
		out = append(out, object{gvk.GroupVersion().String(), gvk.Kind, resource.GetName(),
			resource.GetNamespace(), typed})
	}
	return out, nil
}

func compose(files []string) (json.RawMessage, error) {
	options, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithName("newsmon"),
		cli.WithProfiles([]string{"*"}),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return nil, fmt.Errorf("compose %v: %w", files, err)
	}
	return project.MarshalJSON()
}

type command struct {
	Name string `json:"Name"`
	instructions.Command
}

// MarshalJSON flattens the instruction's own fields (CmdLine, Env, User, Volumes, Health, ...) beside Name.
func (c command) MarshalJSON() ([]byte, error) {
	fields, err := json.Marshal(c.Command)
	if err != nil {
		return nil, err
	}
	var flat map[string]any
	if err := json.Unmarshal(fields, &flat); err != nil {
		return nil, err
	}
	flat["Name"] = strings.ToLower(c.Name)
	return json.Marshal(flat)
}

type stage struct {
	Name     string    `json:"name"`
	Base     string    `json:"base"`
	Commands []command `json:"commands"`
}

func dockerfile(path string) (any, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	ast, err := parser.Parse(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	stages, metaArgs, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]any{"args": metaArgs, "stages": []stage{}}
	var parsed []stage
	for _, s := range stages {
		st := stage{Name: s.Name, Base: s.BaseName}
		for _, c := range s.Commands {
			st.Commands = append(st.Commands, command{c.Name(), c})
		}
		parsed = append(parsed, st)
	}
	out["stages"] = parsed
	return out, nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: deploycheck kustomize DIR | compose FILE... | dockerfile FILE")
		os.Exit(2)
	}
	var result any
	var err error
	switch os.Args[1] {
	case "kustomize":
		result, err = kustomize(os.Args[2])
	case "compose":
		result, err = compose(os.Args[2:])
	case "dockerfile":
		result, err = dockerfile(os.Args[2])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploycheck:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, "deploycheck:", err)
		os.Exit(1)
	}
}
