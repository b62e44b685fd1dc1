package web

import (
	"fmt"

	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
)

// Label names a domain code in the page's language by a stable message id: an inscription's
// status (statut.*), access path (voie.*), kind of VAE (type_vae.*), a compétence's state in
// training (etat.*). The French messages are the domain's own libellés (TestLabelsMatchDomain);
// the English ones translate them. An unknown value shows as itself.
func (b *Base) Label(v any) string {
	var id string
	switch x := v.(type) {
	case candidat.Statut:
		id = "statut." + string(x)
	case candidat.Voie:
		id = "voie." + string(x)
	case candidat.TypeVAE:
		id = "type_vae." + string(x)
	case livret.Etat:
		id = "etat." + string(x)
	default:
		return fmt.Sprint(v)
	}
	if s := b.T(id); s != id {
		return s
	}
	return fmt.Sprint(v)
}
