package generators

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestAnswersRoundTrip renders answers.yaml for every scenario and checks
// that it reproduces the plan: decoding it strictly and deciding again gives
// the same plan, and rendering that plan gives the same answers.yaml, byte
// for byte (the file is a fixed point).
func TestAnswersRoundTrip(t *testing.T) {
	paths, err := filepath.Glob("../testdata/scenarios/*/answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, "../wizard/testdata/classic.yaml")
	if len(paths) < 2 {
		t.Fatalf("no scenarios found: %v", paths)
	}
	r := answersRenderers()
	for _, path := range paths {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a, err := wizard.DecodeAnswers(data)
			if err != nil {
				t.Fatal(err)
			}
			p1, err := wizard.Decide(a)
			if err != nil {
				t.Fatal(err)
			}
			f1, err := RenderWith(r, p1)
			if err != nil {
				t.Fatal(err)
			}
			if len(f1) != 1 || f1[0].Path != "answers.yaml" || f1[0].Mode != 0o644 {
				t.Fatalf("files = %+v, want answers.yaml 0644", f1)
			}
			a2, err := wizard.DecodeAnswers(f1[0].Content)
			if err != nil {
				t.Fatalf("answers.yaml does not decode strictly: %v\n%s", err, f1[0].Content)
			}
			p2, err := wizard.Decide(a2)
			if err != nil {
				t.Fatalf("answers.yaml does not decide: %v\n%s", err, f1[0].Content)
			}
			if !reflect.DeepEqual(p1, p2) {
				t.Errorf("the plan from answers.yaml differs from the original plan")
			}
			f2, err := RenderWith(r, p2)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f1[0].Content, f2[0].Content) {
				t.Errorf("answers.yaml is not a fixed point:\n%s\n---\n%s", f1[0].Content, f2[0].Content)
			}
			if !bytes.HasPrefix(f1[0].Content, []byte("#")) {
				t.Errorf("answers.yaml has no header comment:\n%s", f1[0].Content)
			}
		})
	}
}

func TestAnswersRegistered(t *testing.T) {
	for _, r := range Registry() {
		if r.Name == "answers" {
			return
		}
	}
	t.Fatal("the answers renderer is not in Registry(): add `out = append(out, answersRenderers()...)` to registry.go")
}
