# Per-feature range statistics of each dataset's first task (the input-transform rule's evidence).
import numpy as np
from data import load
for name in ['mnist','fashion-mnist','Vowel','Vehicle','Glass','wine','iris','sklearn-digits','Soybean']:
    Xtr,ytr,_,_=load(name)
    cls=np.unique(ytr)[:2]; X=Xtr[np.isin(ytr,cls)]
    r=X.max(0)-X.min(0); r=np.sort(r[r>1e-8]); k=len(r)
    p=lambda q: r[min(k-1,int(np.floor(q*(k-1))))]
    print(f"{name:15s} d={X.shape[1]} nonzero={k} min={r[0]:.3g} p10={p(0.1):.3g} p25={p(0.25):.3g} med={p(0.5):.3g} p90={p(0.9):.3g} max={r[-1]:.3g} p90/p10={p(0.9)/p(0.1):.1f} max/min={r[-1]/r[0]:.0f}")
