package wizard

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// answerPaths lists every answers-file field path ("server.router.wan_interface")
// by walking the yaml tags of Answers.
func answerPaths(t reflect.Type, prefix string, out map[string]reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := prefix + name
		out[path] = f.Type
		answerPaths(f.Type, path+".", out)
	}
}

func strValues[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func TestQuestionsMatchAnswersSchema(t *testing.T) {
	paths := map[string]reflect.Type{}
	answerPaths(reflect.TypeFor[Answers](), "", paths)

	seen := map[string]bool{}
	for _, q := range Questions() {
		t.Run(q.Key, func(t *testing.T) {
			if seen[q.Key] {
				t.Fatalf("question %s is listed twice", q.Key)
			}
			seen[q.Key] = true
			typ, ok := paths[q.Key]
			if !ok {
				t.Fatalf("key %q is not an answers-file field", q.Key)
			}
			for typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			var wantKind reflect.Kind
			switch q.Kind {
			case KindChoice:
				wantKind = reflect.String
			case KindMulti:
				wantKind = reflect.Slice
			case KindNumber:
				wantKind = reflect.Int
			case KindYesNo:
				wantKind = reflect.Bool
			case KindText:
				if typ.Kind() != reflect.String && typ.Kind() != reflect.Slice {
					t.Errorf("text question for a %s field", typ)
				}
			default:
				t.Fatalf("unknown kind %q", q.Kind)
			}
			if wantKind != 0 && typ.Kind() != wantKind {
				t.Errorf("kind %s but the field is a %s", q.Kind, typ)
			}
			if q.Title == "" || q.Description == "" {
				t.Errorf("title %q / description %q must not be empty", q.Title, q.Description)
			}
			hasChoices := q.Kind == KindChoice || q.Kind == KindMulti || q.Kind == KindYesNo
			if hasChoices != (len(q.Choices) > 0) {
				t.Errorf("kind %s with %d choices", q.Kind, len(q.Choices))
			}
			if !hasChoices && (q.Example == "" || q.Effect == "") {
				t.Errorf("free-text question needs an example and an effect: %q, %q", q.Example, q.Effect)
			}
			for _, c := range q.Choices {
				if c.Label == "" || c.What == "" || c.Effect == "" {
					t.Errorf("choice %q: label, what and effect must be set: %+v", c.Value, c)
				}
				if n := utf8.RuneCountInString(c.Picture); n > 30 {
					t.Errorf("choice %q: picture is %d columns, more than 30", c.Value, n)
				}
				if got, ok := q.Choice(c.Value); !ok || got != c {
					t.Errorf("Choice(%q) = %+v, %v", c.Value, got, ok)
				}
			}
			if got, ok := QuestionByKey(q.Key); !ok || got.Key != q.Key {
				t.Errorf("QuestionByKey(%q) = %v, %v", q.Key, got.Key, ok)
			}
		})
	}
	if _, ok := QuestionByKey("no.such.field"); ok {
		t.Error("QuestionByKey found a question for an unknown key")
	}
}

func TestQuestionChoicesAreTheValidValues(t *testing.T) {
	tests := []struct {
		key  string
		want []string
	}{
		{QRole, strValues(Roles())},
		{QServerNAT, strValues(ServerNATs())},
		{QMode, strValues(Modes())},
		{QClientNAT, strValues(ClientNATs())},
		{QClientSoftware, strValues(ClientSoftwares())},
		{QFirewalls, strValues(Firewalls())},
		{QTLSProfile, strValues(TLSProfiles())},
		{QFlavour, strValues(Flavours())},
		{QSSLReuse, []string{"yes", "no"}},
		{QActiveMode, []string{"no", "yes"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			q, ok := QuestionByKey(tt.key)
			if !ok {
				t.Fatalf("no question %s", tt.key)
			}
			var got []string
			for _, c := range q.Choices {
				got = append(got, c.Value)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("choices %v, want %v", got, tt.want)
			}
		})
	}
}

func TestQuestionsAreFresh(t *testing.T) {
	a := Questions()
	a[0].Title = "changed"
	a[0].Choices[0].Label = "changed"
	b := Questions()
	if b[0].Title == "changed" || b[0].Choices[0].Label == "changed" {
		t.Error("Questions shares state between calls")
	}
}
