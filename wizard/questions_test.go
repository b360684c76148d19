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

	lists := []struct {
		name string
		qs   []Question
	}{
		{"all", Questions()},
		{"ftps", QuestionsFor(ProtocolFTPS)},
		{"sftp", QuestionsFor(ProtocolSFTP)},
	}
	for _, list := range lists {
		seen := map[string]bool{}
		for _, q := range list.qs {
			t.Run(list.name+"/"+q.Key, func(t *testing.T) {
				if seen[q.Key] {
					t.Fatalf("question %s is listed twice", q.Key)
				}
				seen[q.Key] = true
				checkQuestion(t, q, paths)
			})
		}
	}
	if _, ok := QuestionByKey("no.such.field"); ok {
		t.Error("QuestionByKey found a question for an unknown key")
	}
}

// checkQuestion checks one question against the answers-file field its key
// names, and its texts.
func checkQuestion(t *testing.T, q Question, paths map[string]reflect.Type) {
	t.Helper()
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
	checkTexts(t, q)
	if got, ok := QuestionByKey(q.Key); !ok || got.Key != q.Key {
		t.Errorf("QuestionByKey(%q) = %v, %v", q.Key, got.Key, ok)
	}
}

// checkTexts checks that a question says what it asks and what each
// choice does.
func checkTexts(t *testing.T, q Question) {
	t.Helper()
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
}

func TestRecommendQuestions(t *testing.T) {
	paths := map[string]reflect.Type{}
	answerPaths(reflect.TypeFor[Answers](), "", paths)
	// Each question sets one RecommendOptions field; its key is that
	// field's `ftpswiz compare` flag with underscores.
	fields := map[string]string{QPartnerFTPS: "PartnerRequiresFTPS", QClientCertificates: "ClientCertificates"}
	qs := RecommendQuestions()
	if len(qs) != len(fields) {
		t.Fatalf("%d recommend questions, want %d", len(qs), len(fields))
	}
	for _, q := range qs {
		t.Run(q.Key, func(t *testing.T) {
			if _, ok := paths[q.Key]; ok {
				t.Errorf("%s is an answers-file field; recommend questions must not be", q.Key)
			}
			f, ok := reflect.TypeFor[RecommendOptions]().FieldByName(fields[q.Key])
			if !ok || f.Type.Kind() != reflect.Bool {
				t.Errorf("no RecommendOptions bool field for %s", q.Key)
			}
			if q.Kind != KindYesNo {
				t.Errorf("kind %s, want yes-no", q.Kind)
			}
			var values []string
			for _, c := range q.Choices {
				values = append(values, c.Value)
			}
			// "no" first: it is the default of the yes/no prompt.
			if !slices.Equal(values, []string{"no", "yes"}) {
				t.Errorf("choices %v, want [no yes]", values)
			}
			checkTexts(t, q)
			for _, p := range Protocols() {
				if got, ok := QuestionFor(p, q.Key); !ok || got.Title != q.Title {
					t.Errorf("QuestionFor(%s, %s) = %q, %v", p, q.Key, got.Title, ok)
				}
			}
			if got, ok := QuestionByKey(q.Key); !ok || got.Title != q.Title {
				t.Errorf("QuestionByKey(%s) = %q, %v", q.Key, got.Title, ok)
			}
		})
	}
}

func TestQuestionsForEachProtocol(t *testing.T) {
	ftpsOnlyKeys := []string{QMode, QActiveMode, QTransfers, QPassiveStart, QClientPassivePorts,
		QTLSProfile, QTLSCert, QTLSKey, QSSLReuse, QFlavour, QUsers}
	sftpOnlyKeys := []string{QSFTPPort, QSFTPUsers, QSFTPPasswordAuth}
	keys := func(qs []Question) []string {
		var out []string
		for _, q := range qs {
			out = append(out, q.Key)
		}
		return out
	}
	ftps, sftp := keys(QuestionsFor(ProtocolFTPS)), keys(QuestionsFor(ProtocolSFTP))
	for _, k := range ftpsOnlyKeys {
		if !slices.Contains(ftps, k) || slices.Contains(sftp, k) {
			t.Errorf("%s: asked for ftps %v, for sftp %v; want ftps only", k, slices.Contains(ftps, k), slices.Contains(sftp, k))
		}
		if _, ok := QuestionFor(ProtocolSFTP, k); ok {
			t.Errorf("QuestionFor(sftp, %s) found an FTPS-only question", k)
		}
	}
	for _, k := range sftpOnlyKeys {
		if slices.Contains(ftps, k) || !slices.Contains(sftp, k) {
			t.Errorf("%s: asked for ftps %v, for sftp %v; want sftp only", k, slices.Contains(ftps, k), slices.Contains(sftp, k))
		}
	}
	// Both lists keep the order of Questions().
	all := keys(Questions())
	for _, list := range [][]string{ftps, sftp} {
		at := 0
		for _, k := range list {
			i := slices.Index(all[at:], k)
			if i < 0 {
				t.Fatalf("%s out of order in %v", k, list)
			}
			at += i
		}
	}
	if ftps[0] != QProtocol || sftp[0] != QProtocol {
		t.Errorf("the protocol question is not first: %s, %s", ftps[0], sftp[0])
	}

	// The SFTP wording never speaks of what SFTP does not have; the
	// protocol question compares the two and may.
	for _, q := range QuestionsFor(ProtocolSFTP) {
		if q.Key == QProtocol {
			continue
		}
		texts := []string{q.Title, q.Description, q.Effect, q.Example}
		for _, c := range q.Choices {
			texts = append(texts, c.Label, c.Picture, c.What, c.Effect)
		}
		for _, text := range texts {
			for _, word := range []string{"vsftpd", "FTPS", "passive", "pasv", "PASV", "TLS", "control port"} {
				if strings.Contains(text, word) {
					t.Errorf("sftp question %s says %q: %q", q.Key, word, text)
				}
			}
		}
	}
	// And the shared questions are worded for SFTP where FTPS's texts
	// would mislead.
	for _, k := range []string{QRole, QServerNAT, QClientNAT, QClientSoftware, QAllowedClients,
		QServerIPv6, QServerDNSRecords, QClientServerIPv6} {
		f, _ := QuestionFor(ProtocolFTPS, k)
		s, _ := QuestionFor(ProtocolSFTP, k)
		if f.Description == s.Description {
			t.Errorf("%s: the same description for FTPS and SFTP", k)
		}
	}
	// The IPv6 questions are asked for both protocols (SFTP over IPv6,
	// SSH from an IPv6 admin network); the container's for FTPS alone.
	for _, k := range []string{QServerIPv6, QServerDNSRecords, QAdminNetworkIPv6, QClientIPv6Prefix, QClientServerIPv6, QClientDNSRecords} {
		if !slices.Contains(ftps, k) || !slices.Contains(sftp, k) {
			t.Errorf("%s: asked for ftps %v, for sftp %v; want both", k, slices.Contains(ftps, k), slices.Contains(sftp, k))
		}
	}
	for _, k := range []string{QContainerEngine, QContainerNetwork, QContainerName, QContainerConfigDir, QContainerBaseImage} {
		if !slices.Contains(ftps, k) || slices.Contains(sftp, k) {
			t.Errorf("%s: asked for ftps %v, for sftp %v; want ftps only", k, slices.Contains(ftps, k), slices.Contains(sftp, k))
		}
	}
}

func TestQuestionChoicesAreTheValidValues(t *testing.T) {
	tests := []struct {
		key   string
		want  []string
		proto Protocol
	}{
		{QRole, strValues(Roles()), ""},
		{QServerNAT, strValues(ServerNATs()), ""},
		{QMode, strValues(Modes()), ""},
		{QClientNAT, strValues(ClientNATs()), ""},
		{QProtocol, strValues(Protocols()), ""},
		{QClientSoftware, strValues(ClientSoftwares()), ""},
		{QFirewalls, strValues(Firewalls()), ""},
		{QServerRouterKind, strValues(RouterKinds()), ""},
		{QClientRouterKind, strValues(RouterKinds()), ""},
		{QTLSProfile, strValues(TLSProfiles()), ""},
		{QFlavour, strValues(Flavours()), ""},
		{QSSLReuse, []string{"yes", "no"}, ""},
		{QActiveMode, []string{"no", "yes"}, ""},
		{QSFTPPasswordAuth, []string{"no", "yes"}, ""},
		{QServerHostUse, strValues(BoxUses()), ""},
		{QServerRouterUse, strValues(BoxUses()), ""},
		{QClientRouterUse, strValues(BoxUses()), ""},
		{QClientHostUse, strValues(BoxUses()), ProtocolSFTP},
		{QServerDNSRecords, strValues(AllDNSRecords()), ""},
		{QClientDNSRecords, strValues(AllDNSRecords()), ""},
		{QContainerEngine, strValues(ContainerEngines()), ""},
		{QContainerNetwork, strValues(ContainerNetworks()), ""},
		{QContainer, []string{"no", "yes"}, ""},
		{QRole, strValues(Roles()), ProtocolSFTP},
		{QServerNAT, strValues(ServerNATs()), ProtocolSFTP},
		{QClientNAT, strValues(ClientNATs()), ProtocolSFTP},
		{QClientSoftware, strValues(SFTPClientSoftwares()), ProtocolSFTP},
		{QFirewalls, strValues(Firewalls()), ProtocolSFTP},
		{QSFTPPasswordAuth, []string{"no", "yes"}, ProtocolSFTP},
		{QServerDNSRecords, strValues(AllDNSRecords()), ProtocolSFTP},
		{QClientDNSRecords, strValues(AllDNSRecords()), ProtocolSFTP},
	}
	for _, tt := range tests {
		t.Run(string(tt.proto)+"/"+tt.key, func(t *testing.T) {
			q, ok := QuestionByKey(tt.key)
			if tt.proto != "" {
				q, ok = QuestionFor(tt.proto, tt.key)
			}
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
