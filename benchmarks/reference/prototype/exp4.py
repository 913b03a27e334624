# Random convolutional features (K random kxk filters, sigmoid|relu|softsign, averaged|max-pooled over a g x g grid)
# with the joint ridge readout (what the ridge router reaches on the accumulated Gram). STD=first|all|global|none:
# how the pooled features are standardised; STRIDE: filter step. Usage: exp4.py DATASET K k g lambda [act] [pool]
import numpy as np, sys, time, os
from numpy.lib.stride_tricks import sliding_window_view
from data import load
sig=lambda z: 1/(1+np.exp(-z))
name=sys.argv[1]; K=int(sys.argv[2]); k=int(sys.argv[3]); g=int(sys.argv[4]); lam=float(sys.argv[5]); act=sys.argv[6] if len(sys.argv)>6 else 'sig'
pool=sys.argv[7] if len(sys.argv)>7 else 'avg'
st2=int(os.environ.get('STRIDE','1'))
Xtr,ytr,Xte,yte=load(name)
m=Xtr[ytr<2].mean(); s=np.sqrt((Xtr[ytr<2].std(0)**2).mean())
side=28
rng=np.random.default_rng(0)
a=lam*np.sqrt(3/(k*k)); Wf=rng.uniform(-a,a,(k*k,K)).astype(np.float32); bf=rng.uniform(-1,1,K).astype(np.float32)
o=(side-k)//st2+1; edges=np.linspace(0,o,g+1).round().astype(int)
def feats(X):
    out=[]
    for i in range(0,len(X),2000):
        Z=((X[i:i+2000]-m)/s).reshape(-1,side,side).astype(np.float32)
        P=sliding_window_view(Z,(k,k),axis=(1,2))[:,::st2,::st2].reshape(len(Z),o,o,k*k)
        A=P@Wf+bf
        A=sig(A) if act=='sig' else (np.maximum(A,0) if act=='relu' else A/(1+np.abs(A)))
        f=[]
        for r in range(g):
            for c in range(g):
                blk=A[:,edges[r]:edges[r+1],edges[c]:edges[c+1],:]
                f.append(blk.mean((1,2)) if pool=='avg' else blk.max((1,2)))
        out.append(np.concatenate(f,1))
    return np.concatenate(out)
t=time.time()
H=feats(Xtr); He=feats(Xte); F=H.shape[1]
import os
st=os.environ.get('STD','all')
sel=(ytr<2) if st=='first' else slice(None)
mu=H[sel].mean(0); sd=H[sel].std(0)+1e-6
if st=='none': mu=0*mu; sd=0*sd+1
if st=='global': mu=0*mu+H[ytr<2].mean(); sd=0*sd+np.sqrt((H[ytr<2].std(0)**2).mean())
H=(H-mu)/sd; He=(He-mu)/sd   # column standardisation of features (would be frozen from first task in the real thing)
H=np.hstack([H,np.ones((len(H),1),np.float32)]); He=np.hstack([He,np.ones((len(He),1),np.float32)])
G=H.T.astype(np.float64)@H; C=H.T@np.eye(10)[ytr]; md=np.trace(G)/F
res=[]
for r in [1e-5,1e-4,1e-3,1e-2,1e-1]:
    B=np.linalg.solve(G+r*md*np.eye(F+1),C); res.append((r,(np.argmax(He@B,1)==yte).mean()))
print('stride',st2,st,name,'K',K,'k',k,'g',g,'lam',lam,act,pool,'F',F,' '.join('%g:%.4f'%x for x in res),'%.0fs'%(time.time()-t),flush=True)
