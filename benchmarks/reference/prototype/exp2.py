# Router (validated ridge) plus per-task unit heads on the shared features; router-task -> unit-class and
# product-of-experts combinations over temperature pairs.
# usage: python3 exp2.py DATASET FEATURES MODE SCALE [OWN_NODES]   e.g. exp2.py Vowel 2500 std 2
# router (validated ridge) + per-task unit heads on shared features (+ optional own random nodes); POE
import numpy as np, sys, time
from data import load
from cil import *
name=sys.argv[1]; F=int(sys.argv[2]); mode=sys.argv[3]; scale=float(sys.argv[4]); own=int(sys.argv[5]) if len(sys.argv)>5 else 0
Xtr,ytr,Xte,yte=load(name)
classes=list(np.unique(ytr)); T=tasks_of(classes,2)
K=len(classes)
rng=np.random.default_rng(0)
first=np.isin(ytr,T[0]); tf=Transform(Xtr[first],mode); d=Xtr.shape[1]
W=(rng.standard_normal((d,F))*scale/np.sqrt(d)).astype(np.float32); b=rng.uniform(-1,1,F).astype(np.float32)
G=np.zeros((F,F)); C=np.zeros((F,K)); seen=[]; units=[]
ridges=[10.0**k for k in range(-3,5)]
t0=time.time()
for t,cls in enumerate(T):
    m=np.isin(ytr,cls); Z=tf(Xtr[m]); P=feats(Z,W,b).astype(np.float64); y=ytr[m]
    Y=np.zeros((len(y),K)); Y[np.arange(len(y)),y]=1; seen+=list(cls)
    r=np.random.default_rng(100+t); idx=r.permutation(len(y)); nv=max(1,len(y)//5); va,trn=idx[:nv],idx[nv:]
    Gt=G+P[trn].T@P[trn]; Ct=C+P[trn].T@Y[trn]; lam,Q=np.linalg.eigh(Gt); QC=Q.T@Ct; best=None
    for rd in ridges:
        B=Q@(QC/(lam+rd)[:,None]); s=(P[va]@B)[:,seen]; acc=(np.array(seen)[s.argmax(1)]==y[va]).mean()
        if best is None or acc>best[0]+1e-12: best=(acc,rd)
    rd=best[1]
    G+=P.T@P; C+=P.T@Y
    # unit: head on [P, own nodes] over the task's classes only, ridge validated within task
    if own:
        Wu=(rng.standard_normal((d,own))*scale/np.sqrt(d)).astype(np.float32); bu=rng.uniform(-1,1,own).astype(np.float32)
        H=np.hstack([P,feats(Z,Wu,bu)])
    else: Wu=None; bu=None; H=P
    Yt=Y[:,cls]; Gu=H[trn].T@H[trn]; lu,Qu=np.linalg.eigh(Gu); QY=Qu.T@(H[trn].T@Yt[trn]); bu_best=None
    for ru in ridges:
        Bu=Qu@(QY/(lu+ru)[:,None]); a=((H[va]@Bu).argmax(1)==Yt[va].argmax(1)).mean()
        if bu_best is None or a>bu_best[0]+1e-12: bu_best=(a,ru)
    Bu=np.linalg.solve(H.T@H+bu_best[1]*np.eye(H.shape[1]),H.T@Yt)
    units.append((cls,Wu,bu,Bu))
print('train',time.time()-t0)
B=np.linalg.solve(G+rd*np.eye(F),C)
Zt=tf(Xte); Pt=feats(Zt,W,b); S=Pt@B
task_of=np.array([next(i for i,c in enumerate(T) if k in c) for k in range(K)])
pred_r=S.argmax(1)
U=np.full((len(yte),K),-1e9)
for cls,Wu,bu,Bu in units:
    H=np.hstack([Pt,feats(Zt,Wu,bu)]) if Wu is not None else Pt
    U[:,cls]=H@Bu
def acc(pred): return np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
err=pred_r!=yte; print(f'{name} F={F} {mode} s={scale} own={own}: router ACC {acc(pred_r):.4f} within-task share of errors {np.mean(task_of[pred_r[err]]==task_of[yte[err]]):.2f}')
# oracle: router task + unit class
tr=task_of[pred_r]
pu=np.array([ T[t][np.argmax(U[i,T[t]])] for i,t in enumerate(tr)])
print(' router task -> unit class', f'{acc(pu):.4f}')
for tau_r in [0.02,0.05,0.1,0.2]:
  for tau_u in [0.05,0.1,0.2,0.5]:
    lr=S/tau_r; lr=lr-lr.max(1,keepdims=True); pr=np.exp(lr); pr/=pr.sum(1,keepdims=True)
    pt=np.zeros((len(yte),len(T)))
    for i,c in enumerate(T): pt[:,i]=pr[:,c].sum(1)
    sc=np.full((len(yte),K),-1e9)
    for i,c in enumerate(T):
        lu=U[:,c]/tau_u; lu=lu-lu.max(1,keepdims=True); lu=lu-np.log(np.exp(lu).sum(1,keepdims=True))
        sc[:,c]=np.log(pt[:,[i]]+1e-30)+lu
    print(f'  POE tau_r={tau_r} tau_u={tau_u}: {acc(sc.argmax(1)):.4f}')
