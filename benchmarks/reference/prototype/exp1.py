# Analytic ridge on random sigmoid features, class-incremental: input transform x weight scale, fixed vs
# per-task validated ridge (RanPAC rule); prints ACC and the within-task share of errors.
# usage: python3 exp1.py DATASET FEATURES MODES SCALES   e.g. exp1.py mnist 2500 none,std,globalmc 1,2,4
import numpy as np, sys, time
from data import load
from cil import *
name=sys.argv[1]; F=int(sys.argv[2]) if len(sys.argv)>2 else 2500
Xtr,ytr,Xte,yte=load(name)
classes=list(np.unique(ytr)); per=2
T=tasks_of(classes,per)
if len(T[-1])<per and len(T)>1: T[-2]=T[-2]+T[-1]; T=T[:-1]
def run(mode, scale, ridges, F, seed=0, dist='gauss'):
    rng=np.random.default_rng(seed)
    first=np.isin(ytr,T[0]); tf=Transform(Xtr[first],mode)
    d=Xtr.shape[1]
    W=(rng.standard_normal((d,F))*scale/np.sqrt(d)).astype(np.float32); b=rng.uniform(-1,1,F).astype(np.float32)
    G=np.zeros((F,F)); C=np.zeros((F,len(classes)))
    seen=[]; chosen=[]
    for t,cls in enumerate(T):
        m=np.isin(ytr,cls); P=feats(tf(Xtr[m]),W,b).astype(np.float64); y=ytr[m]
        Y=np.zeros((len(y),len(classes))); Y[np.arange(len(y)),y]=1
        seen+=list(cls)
        if len(ridges)>1:
            r=np.random.default_rng(100+t); idx=r.permutation(len(y)); nv=max(1,len(y)//5); va,trn=idx[:nv],idx[nv:]
            Gt=G+P[trn].T@P[trn]; Ct=C+P[trn].T@Y[trn]
            lam,Q=np.linalg.eigh(Gt); QC=Q.T@Ct
            best=None
            for rd in ridges:
                B=Q@(QC/(lam+rd)[:,None]); s=P[va]@B; s=s[:,seen]
                acc=(np.array(seen)[s.argmax(1)]==y[va]).mean()
                if best is None or acc>best[0]+1e-12: best=(acc,rd)
            rd=best[1]
        else: rd=ridges[0]
        chosen.append(rd)
        G+=P.T@P; C+=P.T@Y
    B=np.linalg.solve(G+rd*np.eye(F),C)
    mt=np.isin(yte,seen); Pt=feats(tf(Xte[mt]),W,b); s=(Pt@B)[:,seen]; pred=np.array(seen)[s.argmax(1)]
    yt=yte[mt]
    accs=[(pred[np.isin(yt,cls)]==yt[np.isin(yt,cls)]).mean() for cls in T]
    task_of={c:i for i,cls in enumerate(T) for c in cls}
    err=pred!=yt; within=np.mean([task_of[p]==task_of[q] for p,q in zip(pred[err],yt[err])]) if err.any() else 0
    return np.mean(accs), within, chosen
ridges=[10.0**k for k in range(-3,5)]
modes=sys.argv[3].split(',') if len(sys.argv)>3 else ['none','std','stdfloor']
for mode in modes:
  for scale in [float(s) for s in (sys.argv[4].split(",") if len(sys.argv)>4 else "1,2,4,8".split(","))]:
    t=time.time()
    a1,w1,_=run(mode,scale,[1.0],F)
    a2,w2,ch=run(mode,scale,ridges,F)
    print(f"{name} F={F} {mode:8s} scale={scale}: fixed ridge1 ACC {a1:.4f} (within {w1:.2f}) | validated {a2:.4f} ridges {ch} ({time.time()-t:.1f}s)",flush=True)
