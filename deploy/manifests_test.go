package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const (
	kubeDir    = "kubernetes"
	baseDir    = "kubernetes/base"
	overlayDir = "kubernetes/overlays/example"
	envExample = "draftappt.env.example"
	appLabel   = "app.kubernetes.io/name"
	appName    = "draftappt"
	nonRootUID = int64(65532)
)

// secretVars and configVars are every environment variable the bot reads; the env example, the ConfigMap
// and the Secret are checked against them.
var (
	secretVars = []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "MYKAARMA_USERNAME", "MYKAARMA_PASSWORD"}
	configVars = []string{
		"SLACK_API_URL", "MYKAARMA_BASE_URL", "MYKAARMA_TIMEOUT", "DEALER_UUID", "DEPARTMENT_UUID",
		"DEALER_TIMEZONE", "DEALER_HOURS", "DATE_ORDER", "HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT", "DATA_DIR",
		"SHUTDOWN_TIMEOUT",
	}
	sandboxVars = []string{"SANDBOX_ADDR", "SANDBOX_USERNAME", "SANDBOX_PASSWORD", "SANDBOX_PUBLIC_URL"}
)

// kustomization is the subset of kustomize's Kustomization used here, decoded strictly so that a
// misspelt or unsupported field fails the test instead of being ignored by kustomize.
type kustomization struct {
	APIVersion        string            `json:"apiVersion"`
	Kind              string            `json:"kind"`
	Namespace         string            `json:"namespace,omitempty"`
	NamePrefix        string            `json:"namePrefix,omitempty"`
	Resources         []string          `json:"resources,omitempty"`
	CommonLabels      map[string]string `json:"commonLabels,omitempty"`
	CommonAnnotations map[string]string `json:"commonAnnotations,omitempty"`
	Labels            []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors,omitempty"`
		IncludeTemplates bool              `json:"includeTemplates,omitempty"`
	} `json:"labels,omitempty"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
		Digest  string `json:"digest,omitempty"`
	} `json:"images,omitempty"`
	Patches []struct {
		Path   string `json:"path,omitempty"`
		Patch  string `json:"patch,omitempty"`
		Target *struct {
			Group              string `json:"group,omitempty"`
			Version            string `json:"version,omitempty"`
			Kind               string `json:"kind,omitempty"`
			Name               string `json:"name,omitempty"`
			Namespace          string `json:"namespace,omitempty"`
			LabelSelector      string `json:"labelSelector,omitempty"`
			AnnotationSelector string `json:"annotationSelector,omitempty"`
		} `json:"target,omitempty"`
	} `json:"patches,omitempty"`
}

// objects is what one directory (or one kustomize build) decodes to.
type objects struct {
	deployments []*appsv1.Deployment
	configMaps  []*corev1.ConfigMap
	secrets     []*corev1.Secret
	services    []*corev1.Service
	pvcs        []*corev1.PersistentVolumeClaim
}

// decodeStrict converts YAML to JSON (failing on duplicate keys) and decodes it with unknown fields
// rejected, so a field the API type does not have is an error, as the API server's strict field
// validation would report it.
//
// encoding/json matches field names case-insensitively, so DisallowUnknownFields alone accepts
// `readonlyRootFilesystem` for `readOnlyRootFilesystem` (which the API server would drop or reject). The
// second pass uses sigs.k8s.io/json, the case-sensitive decoder the API server itself uses.
func decodeStrict(doc []byte, into any) error {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return fmt.Errorf("yaml to json: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the document")
	}
	fresh := reflect.New(reflect.TypeOf(into).Elem()).Interface()
	strictErrs, err := sigsjson.UnmarshalStrict(js, fresh)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// splitDocs returns the non-empty YAML documents of a file (documents of only comments are skipped).
func splitDocs(data []byte) [][]byte {
	var docs [][]byte
	for _, doc := range docSeparator.Split(string(data), -1) {
		for line := range strings.SplitSeq(doc, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				docs = append(docs, []byte(doc))
				break
			}
		}
	}
	return docs
}

// decodeObject strictly decodes one document into the k8s.io/api type of its apiVersion and kind.
func decodeObject(doc []byte, into *objects) error {
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return err
	}
	var err error
	switch gvk := tm.APIVersion + "/" + tm.Kind; gvk {
	case "apps/v1/Deployment":
		o := new(appsv1.Deployment)
		err = decodeStrict(doc, o)
		into.deployments = append(into.deployments, o)
	case "v1/ConfigMap":
		o := new(corev1.ConfigMap)
		err = decodeStrict(doc, o)
		into.configMaps = append(into.configMaps, o)
	case "v1/Secret":
		o := new(corev1.Secret)
		err = decodeStrict(doc, o)
		into.secrets = append(into.secrets, o)
	case "v1/Service":
		o := new(corev1.Service)
		err = decodeStrict(doc, o)
		into.services = append(into.services, o)
	case "v1/PersistentVolumeClaim":
		o := new(corev1.PersistentVolumeClaim)
		err = decodeStrict(doc, o)
		into.pvcs = append(into.pvcs, o)
	default:
		return fmt.Errorf("kind %q is not one this test knows; add its k8s.io/api type", gvk)
	}
	return err
}

func readKustomization(t *testing.T, dir string) kustomization {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k kustomization
	if err := decodeStrict(data, &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	return k
}

// loadDir decodes every manifest of dir except kustomization.yaml.
func loadDir(t *testing.T, dir string) objects {
	t.Helper()
	var objs objects
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !isYAML(e.Name()) || e.Name() == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range splitDocs(data) {
			if err := decodeObject(doc, &objs); err != nil {
				t.Errorf("%s document %d: %v", filepath.Join(dir, e.Name()), i+1, err)
			}
		}
	}
	return objs
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// TestManifestsDecodeStrictly decodes every YAML file under kubernetes/: kustomization.yaml into the
// kustomization struct, everything else into its k8s.io/api type, unknown fields failing.
func TestManifestsDecodeStrictly(t *testing.T) {
	n := 0
	err := filepath.WalkDir(kubeDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isYAML(path) {
			return err
		}
		n++
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(path) == "kustomization.yaml" {
				readKustomization(t, filepath.Dir(path))
				return
			}
			docs := splitDocs(data)
			if len(docs) == 0 {
				t.Fatal("no YAML document")
			}
			for i, doc := range docs {
				if err := decodeObject(doc, &objects{}); err != nil {
					t.Errorf("document %d: %v", i+1, err)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Errorf("found %d YAML files under %s; want at least 6", n, kubeDir)
	}
}

// TestKustomizationResources checks that every listed resource exists and that every manifest beside a
// kustomization.yaml is listed in it (a file that is not listed is silently never applied).
func TestKustomizationResources(t *testing.T) {
	err := filepath.WalkDir(kubeDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "kustomization.yaml" {
			return err
		}
		dir := filepath.Dir(path)
		t.Run(dir, func(t *testing.T) {
			k := readKustomization(t, dir)
			if got, want := k.APIVersion, "kustomize.config.k8s.io/v1beta1"; got != want {
				t.Errorf("apiVersion = %q; want %q", got, want)
			}
			if got, want := k.Kind, "Kustomization"; got != want {
				t.Errorf("kind = %q; want %q", got, want)
			}
			if len(k.CommonLabels) > 0 {
				t.Errorf("commonLabels is deprecated (and changes immutable selectors); use labels")
			}
			listed := map[string]bool{}
			for _, r := range k.Resources {
				p := filepath.Join(dir, r)
				fi, err := os.Stat(p)
				switch {
				case err != nil:
					t.Errorf("resource %q: %v", r, err)
				case fi.IsDir():
					if _, err := os.Stat(filepath.Join(p, "kustomization.yaml")); err != nil {
						t.Errorf("resource %q is a directory without kustomization.yaml", r)
					}
				default:
					listed[filepath.Clean(r)] = true
				}
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if !e.IsDir() && isYAML(e.Name()) && e.Name() != "kustomization.yaml" && !listed[e.Name()] {
					t.Errorf("%s is not listed in %s resources", e.Name(), path)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func one[T any](t *testing.T, what string, list []*T) *T {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("found %d %s; want exactly 1", len(list), what)
	}
	return list[0]
}

// TestBase asserts the properties of the base that matter for running the bot safely.
func TestBase(t *testing.T) {
	objs := loadDir(t, baseDir)
	dep := one(t, "Deployments", objs.deployments)
	cm := one(t, "ConfigMaps", objs.configMaps)
	sec := one(t, "Secrets", objs.secrets)
	svc := one(t, "Services", objs.services)
	pvc := one(t, "PersistentVolumeClaims", objs.pvcs)

	t.Run("Labels", func(t *testing.T) {
		for _, m := range []struct {
			kind   string
			labels map[string]string
		}{
			{"Deployment", dep.Labels}, {"pod template", dep.Spec.Template.Labels}, {"ConfigMap", cm.Labels},
			{"Secret", sec.Labels}, {"Service", svc.Labels}, {"PVC", pvc.Labels},
		} {
			if got := m.labels[appLabel]; got != appName {
				t.Errorf("%s label %s = %q; want %q", m.kind, appLabel, got, appName)
			}
		}
		for k, v := range dep.Spec.Selector.MatchLabels {
			if dep.Spec.Template.Labels[k] != v {
				t.Errorf("Deployment selector %s=%s does not match the pod template labels", k, v)
			}
		}
		if len(svc.Spec.Selector) == 0 {
			t.Error("Service has no selector")
		}
		for k, v := range svc.Spec.Selector {
			if dep.Spec.Template.Labels[k] != v {
				t.Errorf("Service selector %s=%s does not match the pod template labels", k, v)
			}
		}
	})

	t.Run("SingleReplica", func(t *testing.T) {
		if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 1 {
			t.Errorf("replicas = %v; want 1 (SQLite ledger on a ReadWriteOnce volume)", dep.Spec.Replicas)
		}
		if got, want := dep.Spec.Strategy.Type, appsv1.RecreateDeploymentStrategyType; got != want {
			t.Errorf("strategy = %q; want %q", got, want)
		}
		if !slices.Equal(pvc.Spec.AccessModes, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}) {
			t.Errorf("PVC accessModes = %v; want [ReadWriteOnce]", pvc.Spec.AccessModes)
		}
		if _, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; !ok {
			t.Error("PVC requests no storage")
		}
	})

	pod := dep.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("pod has %d containers; want 1", len(pod.Containers))
	}
	c := pod.Containers[0]

	t.Run("Ports", func(t *testing.T) {
		if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8080 {
			t.Fatalf("container ports = %+v; want one port 8080 named http", c.Ports)
		}
		_, port, err := net.SplitHostPort(cm.Data["HTTP_ADDR"])
		if err != nil || port != "8080" {
			t.Errorf("ConfigMap HTTP_ADDR = %q; want it to listen on port 8080", cm.Data["HTTP_ADDR"])
		}
		if got, want := svc.Spec.Type, corev1.ServiceTypeClusterIP; got != want {
			t.Errorf("Service type = %q; want %q", got, want)
		}
		if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort != intstr.FromString("http") {
			t.Errorf("Service ports = %+v; want one port targeting http", svc.Spec.Ports)
		}
		want := map[string]string{
			"prometheus.io/scrape": "true",
			"prometheus.io/port":   strconv.Itoa(int(c.Ports[0].ContainerPort)),
			"prometheus.io/path":   "/metrics",
		}
		for k, v := range want {
			if got := svc.Annotations[k]; got != v {
				t.Errorf("Service annotation %s = %q; want %q", k, got, v)
			}
		}
	})

	t.Run("Probes", func(t *testing.T) {
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
			path  string
		}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Errorf("%s probe is not an HTTP GET", p.name)
				continue
			}
			if got := p.probe.HTTPGet.Path; got != p.path {
				t.Errorf("%s probe path = %q; want %q", p.name, got, p.path)
			}
			if got := p.probe.HTTPGet.Port; got != intstr.FromString("http") {
				t.Errorf("%s probe port = %v; want http", p.name, got.String())
			}
		}
	})

	t.Run("Security", func(t *testing.T) {
		psc := pod.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
			t.Error("pod securityContext.runAsNonRoot is not true")
		}
		if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Error("pod seccompProfile is not RuntimeDefault")
		}
		sc := c.SecurityContext
		if sc == nil {
			t.Fatal("container has no securityContext")
		}
		checks := []struct {
			name string
			ok   bool
		}{
			{"runAsNonRoot", sc.RunAsNonRoot != nil && *sc.RunAsNonRoot},
			{"runAsUser 65532", sc.RunAsUser != nil && *sc.RunAsUser == nonRootUID},
			{"readOnlyRootFilesystem", sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem},
			{"allowPrivilegeEscalation false", sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation},
			{"capabilities drop ALL", sc.Capabilities != nil && slices.Contains(sc.Capabilities.Drop, "ALL") && len(sc.Capabilities.Add) == 0},
			{"seccompProfile RuntimeDefault", sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault},
			{"no privileged", sc.Privileged == nil || !*sc.Privileged},
			{"no service account token", pod.AutomountServiceAccountToken != nil && !*pod.AutomountServiceAccountToken},
		}
		for _, ch := range checks {
			if !ch.ok {
				t.Errorf("container securityContext: want %s", ch.name)
			}
		}
	})

	t.Run("Resources", func(t *testing.T) {
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, okReq := c.Resources.Requests[name]
			lim, okLim := c.Resources.Limits[name]
			if !okReq || !okLim {
				t.Errorf("%s: request set %v, limit set %v; want both", name, okReq, okLim)
				continue
			}
			if req.Cmp(lim) > 0 {
				t.Errorf("%s request %s exceeds limit %s", name, req.String(), lim.String())
			}
		}
	})

	t.Run("EnvFrom", func(t *testing.T) {
		var cms, secs []string
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				cms = append(cms, e.ConfigMapRef.Name)
			}
			if e.SecretRef != nil {
				secs = append(secs, e.SecretRef.Name)
			}
		}
		if !slices.Equal(cms, []string{cm.Name}) {
			t.Errorf("envFrom ConfigMaps = %v; want [%s]", cms, cm.Name)
		}
		if !slices.Equal(secs, []string{sec.Name}) {
			t.Errorf("envFrom Secrets = %v; want [%s]", secs, sec.Name)
		}
		if got, want := sortedKeys(cm.Data), sorted(configVars); !slices.Equal(got, want) {
			t.Errorf("ConfigMap keys = %v; want %v", got, want)
		}
		if got, want := sortedKeys(sec.StringData), sorted(secretVars); !slices.Equal(got, want) || len(sec.Data) != 0 {
			t.Errorf("Secret stringData keys = %v (data %d keys); want %v and no data", got, len(sec.Data), want)
		}
		for k, v := range sec.StringData {
			if !strings.Contains(v, "REPLACE") {
				t.Errorf("Secret %s = %q looks like a real value; keep only placeholders in git", k, v)
			}
		}
	})

	t.Run("DataVolume", func(t *testing.T) {
		dataDir := cm.Data["DATA_DIR"]
		var mounted string
		for _, m := range c.VolumeMounts {
			if m.MountPath == dataDir {
				mounted = m.Name
			}
		}
		if mounted == "" {
			t.Fatalf("nothing is mounted at DATA_DIR %q", dataDir)
		}
		for _, v := range pod.Volumes {
			if v.Name == mounted {
				if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != pvc.Name {
					t.Errorf("volume %q at %s is not the PVC %q", mounted, dataDir, pvc.Name)
				}
				return
			}
		}
		t.Errorf("volume %q is not defined", mounted)
	})

	t.Run("GracefulShutdown", func(t *testing.T) {
		shutdown, err := time.ParseDuration(cm.Data["SHUTDOWN_TIMEOUT"])
		if err != nil {
			t.Fatalf("SHUTDOWN_TIMEOUT: %v", err)
		}
		grace := pod.TerminationGracePeriodSeconds
		if grace == nil || time.Duration(*grace)*time.Second <= shutdown {
			t.Errorf("terminationGracePeriodSeconds = %v; want more than SHUTDOWN_TIMEOUT %v", grace, shutdown)
		}
		for _, k := range []string{"MYKAARMA_TIMEOUT"} {
			if _, err := time.ParseDuration(cm.Data[k]); err != nil {
				t.Errorf("%s: %v", k, err)
			}
		}
		if _, err := time.LoadLocation(cm.Data["DEALER_TIMEZONE"]); err != nil {
			t.Errorf("DEALER_TIMEZONE: %v", err)
		}
	})
}

// TestKustomizeBuild runs kustomize (the library kubectl -k uses) on the base and the example overlay and
// decodes its output strictly, which also checks labels, images and patches apply.
func TestKustomizeBuild(t *testing.T) {
	build := func(t *testing.T, dir string) objects {
		t.Helper()
		k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
		m, err := k.Run(filesys.MakeFsOnDisk(), dir)
		if err != nil {
			t.Fatalf("kustomize build %s: %v", dir, err)
		}
		out, err := m.AsYaml()
		if err != nil {
			t.Fatal(err)
		}
		var objs objects
		for i, doc := range splitDocs(out) {
			if err := decodeObject(doc, &objs); err != nil {
				t.Errorf("kustomize build %s, document %d: %v", dir, i+1, err)
			}
		}
		return objs
	}

	t.Run("Base", func(t *testing.T) {
		objs := build(t, baseDir)
		dep := one(t, "Deployments", objs.deployments)
		if got, want := dep.Spec.Template.Spec.Containers[0].Image, "draftappt:dev"; got != want {
			t.Errorf("image = %q; want %q", got, want)
		}
		if got := dep.Labels["app.kubernetes.io/part-of"]; got != appName {
			t.Errorf("part-of label = %q; want %q", got, appName)
		}
		if _, ok := dep.Spec.Selector.MatchLabels["app.kubernetes.io/part-of"]; ok {
			t.Error("kustomize labels leaked into the (immutable) selector")
		}
		one(t, "Secrets", objs.secrets)
	})

	t.Run("Overlay", func(t *testing.T) {
		objs := build(t, overlayDir)
		if len(objs.secrets) != 0 {
			t.Errorf("overlay renders %d Secrets; want 0 (the real one is created out of band)", len(objs.secrets))
		}
		dep := one(t, "Deployments", objs.deployments)
		if dep.Namespace == "" {
			t.Error("overlay sets no namespace")
		}
		if img := dep.Spec.Template.Spec.Containers[0].Image; !strings.Contains(img, "/") || strings.HasSuffix(img, ":dev") {
			t.Errorf("overlay image = %q; want a registry path with a release tag", img)
		}
	})
}

// envExampleVars returns the variables draftappt.env.example declares, set or commented out
// (`NAME=value` or `#NAME=value`).
func envExampleVars(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(envExample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	decl := regexp.MustCompile(`^#?([A-Z][A-Z0-9_]*)=`)
	vars := map[string]bool{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		if m := decl.FindStringSubmatch(s.Text()); m != nil {
			if vars[m[1]] {
				t.Errorf("%s declares %s twice", envExample, m[1])
			}
			vars[m[1]] = true
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return vars
}

func TestEnvExampleListsEveryVariable(t *testing.T) {
	vars := envExampleVars(t)
	for _, v := range slices.Concat(secretVars, configVars, sandboxVars) {
		if !vars[v] {
			t.Errorf("%s does not list %s", envExample, v)
		}
	}
}

// TestCompose loads compose.yaml with compose-go (the loader of docker compose, schema validation
// included) and checks that every variable a service sets or interpolates is documented in the env
// example.
func TestCompose(t *testing.T) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Environment map[string]any `json:"environment"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}

	// compose reads env_file from disk: load the project from a copy beside the example as draftappt.env.
	dir := t.TempDir()
	example, err := os.ReadFile(envExample)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"compose.yaml": raw, "draftappt.env": example} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "compose.yaml")},
		cli.WithWorkingDirectory(dir), cli.WithEnv(nil), cli.WithInterpolation(true))
	if err != nil {
		t.Fatal(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("compose.yaml does not load: %v", err)
	}

	bot, ok := project.Services["draftappt"]
	if !ok {
		t.Fatal("no draftappt service")
	}
	sandbox, ok := project.Services["sandbox"]
	if !ok {
		t.Fatal("no sandbox service")
	}
	env := func(name string) string {
		if v := bot.Environment[name]; v != nil {
			return *v
		}
		return ""
	}
	if got, want := env("MYKAARMA_BASE_URL"), "http://sandbox:8090"; got != want {
		t.Errorf("bot MYKAARMA_BASE_URL = %q; want %q", got, want)
	}
	if got, want := env("DEALER_HOURS"), "mon-fri 07:00-18:00; sat 08:00-13:00"; got != want {
		t.Errorf("bot DEALER_HOURS from the env file = %q; want %q", got, want)
	}
	for _, s := range []struct {
		name    string
		command []string
	}{{"draftappt", []string{"serve"}}, {"sandbox", []string{"sandbox"}}} {
		svc := project.Services[s.name]
		if !slices.Equal(svc.Command, s.command) {
			t.Errorf("%s command = %v; want %v", s.name, svc.Command, s.command)
		}
		if !svc.ReadOnly || svc.User != "65532:65532" {
			t.Errorf("%s: read_only %v, user %q; want read-only as 65532:65532", s.name, svc.ReadOnly, svc.User)
		}
		if svc.Image != bot.Image {
			t.Errorf("%s image = %q; want the bot's %q", s.name, svc.Image, bot.Image)
		}
	}
	if svc := bot; svc.Build == nil || filepath.Clean(svc.Build.Context) != filepath.Dir(dir) {
		t.Errorf("bot build context = %v; want the repository root (..)", svc.Build)
	}
	if _, ok := bot.DependsOn["sandbox"]; !ok {
		t.Error("bot does not depend on sandbox")
	}
	if len(sandbox.Ports) != 1 || sandbox.Ports[0].Target != 8090 {
		t.Errorf("sandbox ports = %+v; want 8090", sandbox.Ports)
	}

	vars := envExampleVars(t)
	var used []string
	for _, svc := range doc.Services {
		for k := range svc.Environment {
			used = append(used, k)
		}
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(string(raw), -1) {
		used = append(used, m[1])
	}
	if len(used) == 0 {
		t.Fatal("found no variables in compose.yaml")
	}
	for _, v := range used {
		if !vars[v] {
			t.Errorf("compose.yaml uses %s, which %s does not list", v, envExample)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sorted(s []string) []string {
	return slices.Sorted(slices.Values(s))
}
