package wizard

import (
	"os"
	"reflect"
	"testing"
)

// FuzzDecodeAnswers: no input makes the decoder or Decide panic, and answers
// Decide accepts survive an encode/decode round trip unchanged.
func FuzzDecodeAnswers(f *testing.F) {
	if data, err := os.ReadFile("testdata/classic.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("version: 1\nrole: client\nftps: {mode: implicit}\nclient: {nat: cgnat, server_address: ftp.example.com, passive_ports: 50000-50099}\n"))
	f.Add([]byte("role: [a, b]\n"))
	f.Add([]byte("server: {capacity: {concurrent_transfers: 9999999999999999999}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAnswers(data)
		if err != nil {
			return
		}
		p, err := Decide(a)
		if err != nil {
			_ = AnnotateLines(data, err).Error()
			return
		}
		enc, err := EncodeAnswers(p.Answers)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := DecodeAnswers(enc)
		if err != nil {
			t.Fatalf("decode of encoded: %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(back, p.Answers) {
			t.Fatalf("round trip changed answers:\n%s", enc)
		}
	})
}
