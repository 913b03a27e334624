# Tables, session 9: multi-scale sigmoid maps (msig[LO]: each feature's weights times 2^-U(0, log2 LO), LO 8 by
# default) and an incremental LDA (class means and the pooled within-class covariance of the transformed input,
# shrunk, sums per class: no old sample kept) ensembled with the ridge router: MAP:looW:ldaW adds W times the LDA
# posteriors to the ridge scores (shrinkage 0.1; ldbW: 0.5; W 0: LDA alone); MAP:looW:selacc / selsq choose W in
# {0, .25, .5, 1, 2} on the last task's rows by exact leave-one-out (argmax errors / squared error).
# usage: exp11.py TABLE[,TABLE...] SEEDS VARIANT[,VARIANT...]
import numpy as np, sys, os
from data import table, strat
from exp9 import transform, layer, sig, GRID, sequence, report, analytic, task_system
from exp10 import walk
def feats(kind,Z,W,b,scales):
    if kind=='sig': return sig(Z@W+b)
    if kind.startswith('msig'): return sig((Z@W)*scales+b)
    if kind=='relu': return np.maximum(Z@W+b,0)
    raise ValueError(kind)
def lda_scores(Z,ytr,Zt,R,classes_seen,shrink):
    d=Z.shape[1]; mus=[]; S=np.zeros((d,d)); n=0
    for c in classes_seen:
        idx=R[ytr[R]==c]; m=Z[idx].mean(0); mus.append(m); D=Z[idx]-m; S+=D.T@D; n+=len(idx)
    S/=max(1,n-len(classes_seen)); t=np.trace(S)/d
    S=(1-shrink)*S+shrink*t*np.eye(d)+1e-9*np.eye(d)
    M=np.array(mus); Si=np.linalg.solve(S,M.T)  # d x K
    dl=Zt@Si-0.5*(M*Si.T).sum(1)
    dl-=dl.max(1,keepdims=True); p=np.exp(dl); return p/p.sum(1,keepdims=True)
def run(name,seed,variants,grid):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    out={}
    rng=np.random.default_rng(1000+seed); W,b=layer(d,2500,rng)
    cache={}
    for v in variants:
        parts=v.split(':'); fk,rule=parts[0],parts[1]; ens=parts[2] if len(parts)>2 else None
        if fk not in cache:
            lo=float(fk[4:]) if fk.startswith('msig') and len(fk)>4 else 8.0
            scales=2**(-np.random.default_rng(3000+seed).uniform(0,np.log2(lo),W.shape[1]))
            cache[fk]=(feats(fk,Z,W,b,scales),feats(fk,Zt,W,b,scales))
        P,Pt=cache[fk]
        rows=[]; prev=None; g=sorted(grid)
        for t,cls in enumerate(T):
            cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows)
            Y,Ys,Kk,diag,ci,ev,U,UtY=task_system(P,R,len(cur),ytr,cidx,K,T,t)
            def looL(r):
                f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
                return (Yh-h[:,None]*Ys[ci])/(1-h)[:,None]
            one=(t==0 and len(cls)==1)
            e=lambda i: ((looL(g[i])-Ys[ci])**2).sum()
            best=walk(g,prev,e,one,None); rho=g[best]; A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y)
            prev=rho
        S=(Pt@P[R].T)@A
        if ens and ens.startswith('sel'):
            seen=[c for cc in T for c in cc]; sidx=[cidx[c] for c in seen]
            L=looL(rho)  # current rows x seen classes (ridge LOO scores)
            # exact LOO LDA probabilities of the current rows (their own class stats recomputed without them)
            Pl=np.zeros_like(L)
            for j,i in enumerate(ci):
                Rm=np.delete(R,i)
                Pl[j]=lda_scores(Z,ytr,Z[R[i]][None,:],Rm,seen,0.1)[0]
            yy=Ys[ci].argmax(1); ws=[0,0.25,0.5,1,2]
            if ens=='selacc':
                errs=[((L+w*Pl).argmax(1)!=yy).sum() for w in ws]
            else:
                errs=[(((L+w*Pl)/(1+w)-Ys[ci])**2).sum() for w in ws]
            w=ws[int(np.argmin(errs))]
            pl=lda_scores(Z,ytr,Zt,R,seen,0.1)
            Sl=np.zeros_like(S); Sl[:,sidx]=pl; S=S+w*Sl
        elif ens:
            kind,w=ens[:3],float(ens[3:] or 1)
            seen=[c for cc in T for c in cc]
            pl=lda_scores(Z,ytr,Zt,R,seen,0.1 if kind=='lda' else 0.5)
            Sl=np.zeros_like(S); Sl[:,[cidx[c] for c in seen]]=pl
            S=Sl if w==0 else S+w*Sl
        pred=np.array(classes)[S.argmax(1)]
        out[v]=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    out['analytic'],W,b,Y=analytic(name,seed,Z,ytr,Zt,yte,classes,T)
    return out
if __name__=='__main__':
    report(run)
